"""Stage 1, inputs: a rapport folder read and checked — rapport.yaml, data files, texts.

Nothing is computed here: the result is the configuration, one typed frame per data file and
every Markdown text, frozen, together with every problem found in them (all at once, never the
first only). Analysis (:mod:`jaarverslag.analysis.analyse`) takes it from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.inputs.config.load import Config, load_config
from jaarverslag.inputs.fingerprint import fingerprint
from jaarverslag.inputs.iv3 import source as iv3
from jaarverslag.inputs.reeks import Gemeente, Reeks, make_reeks, split_files
from jaarverslag.inputs.tables.schemas import DATA_FILES, find_data_file, read_and_validate
from jaarverslag.inputs.tables.workbook import read_workbook, sheet_display, twin_problems
from jaarverslag.inputs.texts import named, read_texts


@dataclass(frozen=True)
class Inputs:
    """What a rapport folder holds, checked: config, typed frames, the files they came from."""

    folder: Path
    name: str
    config: Config
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path]
    #: Every Markdown text the document may print, by resolved path, read and checked once.
    texts: dict[Path, str] = field(default_factory=dict, repr=False)
    #: Every name a text was found by (:func:`~jaarverslag.inputs.texts.named`) → its key in
    #: :attr:`texts`: looked up without touching the disk again.
    text_names: dict[Path, Path] = field(default_factory=dict, repr=False)
    #: The data files that are a sheet of ``rapport.xlsx`` (their ``files`` entry): the sheet.
    sheets: dict[str, str] = field(default_factory=dict)
    #: A reeks: the national data, split by gemeente (:mod:`jaarverslag.inputs.reeks`).
    reeks: Reeks | None = field(default=None, repr=False)
    #: In a reeks, the gemeente these inputs are of (its rows only); None: the national inputs.
    gemeente: Gemeente | None = None
    #: Every input file's hash, taken before they were read (:mod:`.fingerprint`).
    fingerprint: Fingerprint | None = field(default=None, repr=False, compare=False)

    def for_gemeente(self, gemeente: Gemeente) -> Inputs:
        """The inputs of one gemeente of a reeks: its own rows of the split data files (the
        others as they are), and ``{gemeente}`` filled in in the titles."""
        assert self.reeks is not None
        config = self.config.model_copy(
            update={
                key: fill(value, gemeente.naam)
                for key in PLACEHOLDER_KEYS
                if isinstance(value := getattr(self.config, key), str)
            }
        )
        frames = {**self.frames, **self.reeks.frames_of(gemeente)}
        return replace(self, config=config, frames=frames, gemeente=gemeente)

    def text(self, path: Path) -> str:
        """A Markdown text of this rapport (read here; never from disk again)."""
        return self.texts[self.text_names[named(path)]]

    def has_text(self, path: Path | None) -> bool:
        return path is not None and named(path) in self.text_names

    @property
    def display_yaml(self) -> str:
        return display(self.folder, "rapport.yaml")

    def display(self, name: str) -> str:
        """How problems name the data file ``name`` (``rapport.xlsx[kosten]`` for a sheet)."""
        shown = display(self.folder, self.files[name].name)
        return sheet_display(shown, self.sheets[name]) if name in self.sheets else shown

    def display_text(self, path: Path) -> str:
        """How problems name a text: relative to where the rapport folder was given (worked
        out from the names, never from the disk, where a link may have changed meanwhile)."""
        absolute = named(path)
        for root in (named(self.folder), files.inside(self.folder, self.folder)):
            if root is not None and absolute.is_relative_to(root):
                return str(self.folder / absolute.relative_to(root))
        return str(path)


def display(folder: Path, filename: str) -> str:
    return str(folder / filename)


def read_inputs(folder: Path) -> tuple[Inputs | None, list[Problem]]:
    """Read and check a rapport folder: the inputs (None when rapport.yaml is unusable) and
    every problem found, errors and warnings alike."""
    folder = Path(folder)
    if not folder.is_dir():
        return None, [Problem(str(folder), message="is geen map")]
    data_files = {name: path for name in DATA_FILES if (path := find_data_file(folder, name))}
    problems = _twin_problems(folder)
    frames: dict[str, pd.DataFrame] = {}
    for name, path in data_files.items():
        frame, found = read_and_validate(path, name, display(folder, path.name), folder)
        problems += found
        frames[name] = frame
    book = read_workbook(folder)
    problems += book.problems + twin_problems(book, data_files)
    if book.path is not None:
        frames |= {n: f for n, f in book.frames.items() if n not in data_files}
        data_files |= {n: book.path for n in book.sheets if n not in data_files}
    levering, found = iv3.find(folder)
    problems += found + _two_sources(levering, data_files, book.sheets, folder)
    if levering is not None and "kosten" in data_files:
        levering = None
    # a reeks (organisatie defaults to Gemeente {gemeente}): a gemeente column, or deliveries
    # of several gemeenten
    reeks_ = bool(split_files(frames)) or (levering is not None and len(levering.gemeenten) > 1)
    config, found = load_config(folder, display(folder, "rapport.yaml"), reeks=reeks_)
    problems = found + problems
    if config is None:
        return None, problems
    config, found, lines = _iv3_kosten(levering, config, display(folder, "rapport.yaml"), frames)
    problems += found
    if levering is not None and "kosten" in frames:
        data_files["kosten"] = levering.path
    texts, names, found = read_texts(folder, config)
    problems += found
    problems += _template_problems(folder)
    sheets = {n: t for n, t in book.sheets.items() if data_files.get(n) == book.path}
    # the fingerprint of what was read, once it all reads: bad input makes nothing to record
    hashed = None if any(p.severity == "error" for p in problems) else fingerprint(folder)
    inputs = Inputs(
        folder,
        folder.resolve().name,
        config,
        frames,
        data_files,
        texts,
        names,
        sheets,
        fingerprint=hashed,
    )
    reeks, found = make_reeks(frames, {n: inputs.display(n) for n in data_files})
    if lines:  # a row of a folder of deliveries: the delivery, not a line of a file
        found = [_of_delivery(p, inputs.display("kosten"), lines) for p in found]
    problems += found + _placeholder_problems(inputs, reeks is not None)
    return replace(inputs, reeks=reeks), problems


def _two_sources(
    levering: iv3.Iv3Source | None,
    data_files: dict[str, Path],
    sheets: dict[str, str],
    folder: Path,
) -> list[Problem]:
    """Kosten from kosten.csv (or a sheet) and from an Iv3 delivery: which one is meant?"""
    if levering is None or "kosten" not in data_files:
        return []
    shown = display(folder, data_files["kosten"].name)
    if "kosten" in sheets and data_files["kosten"].name.lower() == "rapport.xlsx":
        shown = sheet_display(shown, sheets["kosten"])
    message = (
        f"de kosten staan ook in {shown}; een rapport haalt zijn kosten uit één bron: houd "
        f"{data_files['kosten'].name} of {levering.name}"
    )
    return [Problem(levering.display, message=message)]


def _iv3_kosten(
    levering: iv3.Iv3Source | None,
    config: Config,
    yaml: str,
    frames: dict[str, pd.DataFrame],
) -> tuple[Config, list[Problem], dict[int, str]]:
    """The kosten of the Iv3 deliveries into ``frames``, for the taakvelden rapport.yaml names;
    without ``bedragen_in`` the rapport's amounts are Iv3's thousands."""
    line = config.line(iv3.KEY)
    if levering is None:
        if config.taakvelden is None:
            return config, [], {}
        message = (
            "taakvelden wordt alleen gebruikt met een Iv3-levering (iv3.json, of een map iv3/ "
            "met leveringen)"
        )
        return config, [Problem(yaml, line, iv3.KEY, message, "warning")], {}
    if config.taakvelden is None:
        message = (
            f"noem de taakvelden die de kostentabel uit {levering.path.name} haalt, zoals "
            'taakvelden: ["6.3", "6.4", "6.5"]'
        )
        return config, [Problem(yaml, None, iv3.KEY, message)], {}
    if not levering.passed:
        return config, [], {}  # its problems are reported; nothing to read
    euros = "bedragen_in" in config.model_fields_set and config.bedragen_in == 1
    frame, problems, lines = iv3.kosten_frame(
        levering, config.taakvelden, rapport=yaml, line=line, euros=euros
    )
    if problems:
        return config, problems, {}
    frames["kosten"] = frame
    if not euros:
        config = config.model_copy(update={"bedragen_in": 1000})
    return config, [], lines


def _of_delivery(problem: Problem, shown: str, lines: dict[int, str]) -> Problem:
    """A problem at a row of the deliveries' kosten, named by its delivery."""
    if problem.file != shown or problem.line not in lines:
        return problem
    return replace(problem, file=lines[problem.line], line=None)


#: rapport.yaml keys in which a reeks fills in ``{gemeente}``.
PLACEHOLDER_KEYS = ("organisatie", "titel", "ondertitel")
PLACEHOLDER = "{gemeente}"


def fill(text: str, gemeente: str) -> str:
    """``{gemeente}`` replaced by the name (nothing else in the text is a placeholder)."""
    return text.replace(PLACEHOLDER, gemeente)


def _placeholder_problems(inputs: Inputs, reeks: bool) -> list[Problem]:
    """Outside a reeks ``{gemeente}`` has nothing to fill in: printed as it is, with a warning."""
    if reeks:
        return []
    config = inputs.config
    message = (
        f"{PLACEHOLDER} wordt alleen in een reeks ingevuld (een databestand met een kolom gemeente)"
    )
    return [
        Problem(inputs.display_yaml, config.line(key), key, message, "warning")
        for key in PLACEHOLDER_KEYS
        if PLACEHOLDER in str(getattr(config, key) or "")
    ]


def _twin_problems(folder: Path) -> list[Problem]:
    """Two files for one data file (``kosten.csv`` and ``kosten.xlsx``): which one is meant?"""
    problems = []
    for name in DATA_FILES:
        wanted = {f"{name}.csv", f"{name}.xlsx"}
        twins = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name.lower() in wanted)
        if len(twins) > 1:
            message = f"meer dan één bestand voor {name}: {', '.join(twins)}; houd er één"
            problems.append(Problem(display(folder, twins[0]), message=message))
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
        except (RecursionError, MemoryError):
            message = "sjabloonfout: het sjabloon is te diep genest om te lezen"
            problems.append(Problem(str(path), message=message))
    return problems
