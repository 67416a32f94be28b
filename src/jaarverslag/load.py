"""Reads a rapport folder: rapport.yaml, its data files and texts, checked all at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import files
from .errors import Problem, raise_if_errors
from .model import Table
from .rapport import BLOCK_FILES, Config, load_config
from .schemas import DATA_FILES, find_data_file, read_and_validate
from .texts import read_texts


@dataclass(frozen=True)
class Rapport:
    """A rapport whose inputs passed every check: config, typed frames, the files they came from."""

    folder: Path
    name: str
    config: Config
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path]
    warnings: tuple[Problem, ...] = field(default=())
    #: Every Markdown text the document may print, by resolved path, read and checked once.
    texts: dict[Path, str] = field(default_factory=dict, compare=False, repr=False)
    #: Results computed from the checked inputs, so the consistency checks, the document and
    #: every per-partner variant share one computation (see :meth:`computed`).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def computed(self, key: str, make: Callable[[], T]) -> T:
        """``make()`` once per rapport: inputs are immutable after the checks."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]  # type: ignore[no-any-return]

    def text(self, path: Path) -> str:
        """A Markdown text of this rapport (read at load time; never from disk again)."""
        return self.texts[path.resolve()]

    @property
    def display_yaml(self) -> str:
        return _display(self.folder, "rapport.yaml")

    def display(self, name: str) -> str:
        """How problems name the data file ``name``."""
        return _display(self.folder, self.files[name].name)


T = TypeVar("T")


def _display(folder: Path, filename: str) -> str:
    return str(folder / filename)


def load_rapport(folder: Path) -> Rapport:
    """Load and check a rapport folder; raise :class:`InputError` with every problem found.

    Examples
    --------
    >>> rapport = load_rapport(Path("data/jaarverslag-2017"))  # doctest: +SKIP
    >>> rapport.config.jaar  # doctest: +SKIP
    2017
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise_if_errors([Problem(str(folder), message="is geen map")])
    config, problems = load_config(folder, _display(folder, "rapport.yaml"))
    data_files = {name: path for name in DATA_FILES if (path := find_data_file(folder, name))}
    problems += _twin_problems(folder)
    frames: dict[str, pd.DataFrame] = {}
    for name, path in data_files.items():
        frame, found = read_and_validate(path, name, _display(folder, path.name), folder)
        problems += found
        frames[name] = frame
    texts: dict[Path, str] = {}
    if config is not None:
        problems += _check_blocks(config, data_files, folder)
        texts, found = read_texts(folder, config)
        problems += found
        problems += _template_problems(folder)
    raise_if_errors(problems)
    assert config is not None
    rapport = Rapport(folder, folder.resolve().name, config, frames, data_files, texts=texts)
    problems += consistency_problems(rapport)
    raise_if_errors(problems)
    warnings = tuple(p for p in problems if p.severity == "warning")
    return replace(rapport, warnings=warnings)  # keeps what the checks computed


def _twin_problems(folder: Path) -> list[Problem]:
    """Two files for one data file (``kosten.csv`` and ``kosten.xlsx``): which one is meant?"""
    problems = []
    for name in DATA_FILES:
        wanted = {f"{name}.csv", f"{name}.xlsx"}
        twins = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name.lower() in wanted)
        if len(twins) > 1:
            message = f"meer dan één bestand voor {name}: {', '.join(twins)}; houd er één"
            problems.append(Problem(_display(folder, twins[0]), message=message))
    return problems


def _template_problems(folder: Path) -> list[Problem]:
    """The rapport's own templates: inside the folder, within their size, and parsing, so
    ``check`` finds a typo too."""
    import jinja2

    templates = folder / "templates"
    problems = files.folder_problem(folder, templates, str(templates))
    if problems or not templates.is_dir():
        return problems
    env = jinja2.Environment()
    for path in sorted(p for p in templates.iterdir() if not p.name.startswith(".")):
        if path.is_dir() and not path.is_symlink():
            continue
        data, found = files.read(folder, path, "sjabloon", str(path))
        problems += found
        if data is None or path.suffix.lower() not in (".html", ".css"):
            continue
        try:
            env.parse(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            problems.append(Problem(str(path), message="is geen UTF-8-tekst"))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(str(path), exc.lineno, None, f"sjabloonfout: {exc.message}"))
    return problems


def _check_blocks(config: Config, data: dict[str, Path], folder: Path) -> list[Problem]:
    """A block whose data file is absent is an error in rapport.yaml."""
    problems = []
    for number, sectie in enumerate(config.secties or (), start=1):
        for block in sectie.inhoud:
            for needed in BLOCK_FILES[block]:
                if needed not in data:
                    where = f"secties[{number}].inhoud"
                    problems.append(
                        Problem(
                            _display(folder, "rapport.yaml"),
                            config.line(where),
                            where,
                            f"blok '{block}' heeft {needed}.csv of {needed}.xlsx nodig",
                        )
                    )
    return problems


def consistency_problems(rapport: Rapport) -> list[Problem]:
    """Total rows in the input that don't add up, and the verdeelsleutel's own rules.

    The compute modules own the rules; this runs them for ``check`` as well as ``build``.
    """
    from .compute.beleidsplan import check_verdeelsleutel

    config = rapport.config
    problems: list[Problem] = []
    if "kosten" in rapport.frames:
        problems += kosten_result(rapport)[1]
    if "indicatoren" in rapport.frames:  # years that rapport.yaml's `jaren` leaves out
        from .compute.indicatoren import jaren_problems

        problems += jaren_problems(
            rapport.frames["indicatoren"],
            jaar=config.jaar,
            jaren=config.jaren,
            file=rapport.display("indicatoren"),
        )
    if "maatregelen" in rapport.frames:
        problems += maatregelen_result(rapport)[1]
    if "verdeelsleutel" in rapport.frames:
        problems += check_verdeelsleutel(
            rapport.frames["verdeelsleutel"], file=rapport.display("verdeelsleutel")
        )
    if "leeftijdsgroepen" in rapport.frames:
        from .compute.samenvatting import check_leeftijdsgroepen

        problems += check_leeftijdsgroepen(
            rapport.frames["leeftijdsgroepen"],
            file=rapport.display("leeftijdsgroepen"),
            totals=config.totaalcontrole,
        )
    from .document import ladder_problems, prose_problems  # live figures in the Markdown texts

    problems += prose_problems(rapport)
    problems += ladder_problems(rapport)  # what privacy hid in the ladder, and why
    return problems


def kosten_result(rapport: Rapport) -> tuple[Table, list[Problem]]:
    """The kosten table and the problems with its input's total rows, computed once."""
    from .compute.kosten import kosten_table

    config = rapport.config
    return rapport.computed(
        "kosten",
        lambda: kosten_table(
            rapport.frames["kosten"],
            soort=kosten_soort(config.soort),
            jaar=config.jaar,
            file=rapport.display("kosten"),
            bedragen_in=config.bedragen_in,
            totals=config.totaalcontrole,
        ),
    )


def maatregelen_result(rapport: Rapport) -> tuple[Table, list[Problem]]:
    """The maatregelen table and the problems with its input's total rows, computed once."""
    from .compute.beleidsplan import maatregelen_table

    config = rapport.config
    return rapport.computed(
        "maatregelen",
        lambda: maatregelen_table(
            rapport.frames["maatregelen"],
            file=rapport.display("maatregelen"),
            ev_label=config.ev,
            bedragen_in=config.bedragen_in,
            totals=config.totaalcontrole,
        ),
    )


def kosten_soort(soort: str) -> str:
    """A beleidsplan looks ahead like a begroting."""
    return "jaarverslag" if soort == "jaarverslag" else "begroting"
