"""Several rapports with a site in one run also get ``OUT/site/``, a portal over them: written
atomically with the marker like every output folder, from what is on disk (so a rapport reused
from the cache, or left from an earlier run, stays on it), and never over a folder the tool
didn't make."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from support.helpers import write_rapport
from support.pagefind_probe import tree_digest

from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outfolder import MARKER
from jaarverslag.build.pipeline import build
from jaarverslag.cli import main

pytestmark = pytest.mark.slow

CSV = "id;indicator;jaar;soort;waarde\na;Aantal A;2016;realisatie;3\na;Aantal A;2017;realisatie;4\n"


def rapport(folder: Path, soort: str = "jaarverslag", jaar: int = 2017) -> Path:
    yaml = f"titel: {soort.capitalize()} {jaar}\norganisatie: Gemeente Test\nsoort: {soort}\njaar: {jaar}\ngrafieken: false\n"
    return write_rapport(folder, {"rapport.yaml": yaml, "indicatoren.csv": CSV})


def listed(out: Path) -> list[str]:
    page = lxml_html.fromstring((out / "site" / "index.html").read_bytes())
    return sorted(page.xpath("//table//a/@href"))


def test_a_run_of_rapports_with_a_site_writes_a_portal_over_them(tmp_path: Path) -> None:
    a = rapport(tmp_path / "data" / "jv-2017")
    b = rapport(tmp_path / "data" / "begroting-2018", "begroting", 2018)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(a), str(b), "-f", "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        str(out / "jv-2017"),
        str(out / "begroting-2018"),
        str(out / "site"),
    ]
    assert (out / "site" / MARKER).is_file()
    assert listed(out) == ["../begroting-2018/site/index.html", "../jv-2017/site/index.html"]
    first = tree_digest(out / "site")

    # again: both reused from the cache, and the portal is the same
    outcomes = build([a, b], out, BuildOptions(("site",)))
    assert [o.reused for o in outcomes[:2]] == [True, True]
    assert tree_digest(out / "site") == first

    # a rapport whose build now fails keeps its previous output, and its place on the portal
    (b / "indicatoren.csv").write_text(CSV.replace(";4", ";x"), encoding="utf-8")
    outcomes = build([a, b], out, BuildOptions(("site",)))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert listed(out) == ["../begroting-2018/site/index.html", "../jv-2017/site/index.html"]


def test_one_rapport_or_no_site_writes_no_portal(tmp_path: Path) -> None:
    a, b = rapport(tmp_path / "a"), rapport(tmp_path / "b")
    build([a], tmp_path / "een", BuildOptions(("site",)))
    assert not (tmp_path / "een" / "site").exists()
    outcomes = build([a, b], tmp_path / "html", BuildOptions(("html",)))
    assert len(outcomes) == 2 and not (tmp_path / "html" / "site").exists()


def test_the_portal_is_never_written_over_a_folder_the_tool_did_not_make(tmp_path: Path) -> None:
    a, b = rapport(tmp_path / "a"), rapport(tmp_path / "b")
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "eigen.html").write_text("van de gemeente zelf", encoding="utf-8")
    outcomes = build([a, b], out, BuildOptions(("site",)))
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "niet door jaarverslag gemaakt" in str(outcomes[2].problems[0])
    assert sorted(p.name for p in (out / "site").iterdir()) == ["eigen.html"]


def test_a_rapport_named_site_keeps_its_name_and_the_portal_steps_aside(tmp_path: Path) -> None:
    a, b = rapport(tmp_path / "site"), rapport(tmp_path / "b")
    out = tmp_path / "out"
    outcomes = build([a, b], out, BuildOptions(("site",)))
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "een rapport heet 'site'" in str(outcomes[2].problems[0])
    assert (out / "site" / "site" / "index.html").is_file()  # the rapport's own site
