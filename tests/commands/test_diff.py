"""``jaarverslag diff OLD NEW`` (issue 27, items 3 and 6): a rapport built twice with a changed
figure and a changed sentence between — the report names exactly those (and what follows from
the figure: its verdict, the sentences that print it, the chart); the DOCX with tracked changes,
all accepted by LibreOffice, is NEW's text, and all rejected, OLD's."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from support.helpers import DATA, pdf_text
from support.libreoffice import accept_all, convert, reject_all

from jaarverslag.cli import main

pytestmark = pytest.mark.slow

EXAMPLE = DATA / "jaarverslag-2017"
FIGURE = ("2017;realisatie;559", "2017;realisatie;480")
SENTENCE = ("Landelijk gezien doen we het goed", "Landelijk gezien doen we het uitstekend")


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The concept and the second concept: one figure and one sentence changed."""
    work = tmp_path_factory.mktemp("diff")
    old, new = work / "concept", work / "tweede-concept"
    shutil.copytree(EXAMPLE, old)
    shutil.copytree(EXAMPLE, new)
    edit(new / "indicatoren.csv", *FIGURE)
    edit(new / "teksten" / "04-conclusie.md", *SENTENCE)
    return old, new


def test_the_report_names_the_changed_figure_and_sentence(rounds: tuple[Path, Path]) -> None:
    old, new = rounds
    out = old.parent / "verslag"
    code, output = run("diff", old, new, "-o", out)
    assert code == 1, output
    lines = output.splitlines()
    assert lines[0].endswith(
        "1 waarde in 1 tabel gewijzigd, 1 oordeel anders, 1 figuur anders, 2 teksten gewijzigd"
    )
    assert (
        "  tabel 1 Prestatie-indicatoren: Aantal mensen dat actief is op een P-baan, "
        "Realisatie 2017: 559 → 480 (-79)"
    ) in lines
    assert (
        "  oordeel Aantal mensen dat actief is op een P-baan 2017: gehaald → niet gehaald" in lines
    )
    conclusie = next(line for line in lines if line.startswith("  tekst Conclusie:"))
    assert "[-goed-] {+uitstekend+}" in conclusie
    assert "[-559-] {+480+}" in conclusie  # the live figure in the author's text
    report = " ".join(pdf_text(out / "verschillen.pdf").split())
    assert "Aantal mensen dat actief is op een P-baan Realisatie 2017 559 480 -79" in report
    html = (out / "verschillen.html").read_text(encoding="utf-8")
    assert '<del><span class="sr-only">weggehaald: </span>goed</del>' in html
    assert '<ins><span class="sr-only">toegevoegd: </span>uitstekend</ins>' in html


def test_nothing_changed_exits_0(rounds: tuple[Path, Path]) -> None:
    old, _ = rounds
    out = old.parent / "gelijk"
    code, output = run("diff", old, old, "-o", out)
    assert code == 0, output
    assert "niets veranderd" in output
    assert "Niets veranderd" in pdf_text(out / "verschillen.pdf")


def test_bad_input_exits_1_and_writes_nothing(rounds: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = rounds
    code, output = run("diff", old, tmp_path / "bestaat-niet", "-o", tmp_path / "uit")
    assert code == 1 and "bestaat-niet" in output
    assert not (tmp_path / "uit").exists()
    code, output = run("diff", old, old, "-o", old / "verschillen")
    assert code == 1 and "ligt in rapportmap" in output
    assert not (old / "verschillen").exists()


def test_accepting_every_tracked_change_gives_new_and_rejecting_old(
    rounds: tuple[Path, Path],
) -> None:
    """Also a paragraph gone, a row added (a new indicator) and a section added."""
    old, new = rounds
    third = old.parent / "definitief"
    shutil.copytree(new, third)
    edit(
        third / "teksten" / "03-gedaan.md",
        "- Het verzorgen van interne en externe communicatie over nieuw beschut.",
        "",
    )
    with (third / "indicatoren.csv").open("a", encoding="utf-8") as csv:
        csv.write(
            "jobcoach;Aantal jobcoaches;2017;realisatie;12\njobcoach;Aantal jobcoaches;2017;begroting;10\n"
        )
    with (third / "rapport.yaml").open("a", encoding="utf-8") as yaml:
        yaml.write("  - titel: Vooruitblik\n    tekst: teksten/05-vooruitblik.md\n")
    (third / "teksten" / "05-vooruitblik.md").write_text(
        "In 2018 gaan we door.\n", encoding="utf-8"
    )
    out = old.parent / "wijzigingen"
    code, output = run("diff", old, third, "-o", out, "--docx")
    assert code == 1, output
    assert "rij erbij: Aantal jobcoaches" in output
    tracked = out / "definitief-wijzigingen.docx"
    word = docx.Document(str(tracked))
    body = word.element.body
    deletions, insertions = list(body.iter(qn("w:del"))), list(body.iter(qn("w:ins")))
    assert deletions and insertions
    # as Word's schema has it: deleted text is w:delText, and only there
    assert not [t for d in deletions for t in d.iter(qn("w:t"), qn("w:instrText"))]
    assert not [t for i in insertions for t in i.iter(qn("w:delText"))]
    assert {t.getparent().getparent().tag for t in body.iter(qn("w:delText"))} <= {qn("w:del")}
    ids = [e.get(qn("w:id")) for e in (*deletions, *insertions)]
    assert len(ids) == len(set(ids))
    code, output = run("build", old, third, "-o", old.parent / "gebouwd", "-f", "docx")
    assert code == 0, output
    work = old.parent / "lo"
    work.mkdir()
    accepted = accept_all(tracked, work / "geaccepteerd.docx")
    rejected = reject_all(tracked, work / "verworpen.docx")
    texts = convert(
        [
            accepted,
            rejected,
            old.parent / "gebouwd" / "definitief" / "definitief.docx",
            old.parent / "gebouwd" / "concept" / "concept.docx",
        ],
        work / "tekst",
        "txt:Text (encoded):UTF8",
    )
    lines = [p.read_text(encoding="utf-8").splitlines() for p in texts]
    assert lines[0] == lines[2]  # all accepted: NEW, exactly
    # all rejected: OLD's text (LibreOffice joins the chart's own paragraph, which has no text,
    # to the next when it rejects the new chart, and keeps an empty last paragraph)
    assert [x for x in lines[1] if x.strip()] == [x for x in lines[3] if x.strip()]
    assert lines[2] != lines[3]


def test_a_table_of_another_shape_is_replaced_whole(rounds: tuple[Path, Path]) -> None:
    """A year more in the data: the indicator table gets a column; the old table goes, marked
    deleted, the new one comes, marked inserted, and accepting all gives NEW."""
    old, new = rounds
    wider = old.parent / "breder"
    shutil.copytree(new, wider)
    with (wider / "indicatoren.csv").open("a", encoding="utf-8") as csv:
        csv.write("p_banen;Aantal mensen dat actief is op een P-baan;2015;realisatie;350\n")
    out = old.parent / "breder-verschillen"
    code, output = run("diff", old, wider, "-o", out, "--docx")
    assert code == 1 and "kolom erbij: Realisatie 2015" in output, output
    code, output = run("build", wider, "-o", old.parent / "breder-gebouwd", "-f", "docx")
    assert code == 0, output
    work = old.parent / "breder-lo"
    work.mkdir()
    accepted = accept_all(out / "breder-wijzigingen.docx", work / "geaccepteerd.docx")
    texts = convert(
        [accepted, old.parent / "breder-gebouwd" / "breder" / "breder.docx"],
        work / "tekst",
        "txt:Text (encoded):UTF8",
    )
    first, second = (p.read_text(encoding="utf-8").splitlines() for p in texts)
    assert first == second
