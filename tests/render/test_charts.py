"""Charts: content, alt text, palette, Dutch axis numbers, formats and byte-identical output."""

from __future__ import annotations

import struct
from itertools import pairwise

import pytest
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.analysis.document import build_document
from jaarverslag.compute.conclusies import Indicator
from jaarverslag.compute.grafiek import indicator_chart
from jaarverslag.core.model import Chart
from jaarverslag.render import charts
from jaarverslag.render.formats import render_document


def indicator(ident="a", label="Aantal P-banen", realisatie=None, doel=None):
    return Indicator(
        ident,
        label,
        "aantal",
        "hoger",
        realisatie if realisatie is not None else {2016: 1400.0, 2017: 2559.0},
        {y: ("begroting", v) for y, v in (doel if doel is not None else {2017: 2500.0}).items()},
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_figure_has_svg_png_and_dutch_alt_text():
    figure = indicator_chart([indicator()], "grafiek-1")
    assert isinstance(figure, Chart)
    assert "<svg" in charts.svg(figure)
    assert figure.alt == (
        "Staafdiagram van realisatie en doel per jaar. Aantal P-banen: realisatie "
        "2016: 1.400, 2017: 2.559; doel 2017: 2.500."
    )
    width, _ = png_size(charts.png(figure))
    assert width >= 7 * 150  # a 7.2 inch wide chart at 150 dpi or more


def test_palette_and_dutch_axis_numbers():
    svg = charts.svg(indicator_chart([indicator()], "g")).lower()
    assert "#0072b2" in svg and "#e69f00" in svg  # Okabe-Ito blue and orange
    assert ">1.200<" in svg and ">2.400<" in svg  # ticks 0, 600, 1.200, … with a Dutch dot
    assert ">1,200<" not in svg and ">1200<" not in svg


def test_output_is_byte_identical_between_builds():
    chart = indicator_chart([indicator(label="Een")], "g")
    first_svg, first_png = charts.svg(chart), charts.png(chart)
    charts._svg.cache_clear()
    charts._png.cache_clear()
    assert first_svg == charts.svg(chart) and first_png == charts.png(chart)
    assert "<dc:date>" not in first_svg


def test_nothing_to_draw_gives_no_figure():
    empty = indicator(realisatie={2017: None}, doel={2017: None})
    assert indicator_chart([empty], "g") is None


INDICATOREN = "id;indicator;jaar;soort;waarde\np;P;2016;realisatie;4\np;P;2017;realisatie;5\n"
YAML = MINIMAL_YAML + "secties:\n  - titel: T\n    inhoud: [indicatoren]\n"


def test_one_chart_per_indicator_section_and_switch_off(tmp_path):
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": YAML, "indicatoren.csv": INDICATOREN})
    blocks = build_document(load_rapport(folder)).sections[0].blocks
    assert [b.name for b in blocks if isinstance(b, Chart)] == ["grafiek-1"]
    (folder / "rapport.yaml").write_text(YAML + "grafieken: false\n")
    blocks = build_document(load_rapport(folder)).sections[0].blocks
    assert not any(isinstance(b, Chart) for b in blocks)


def test_png_is_drawn_only_when_asked_for(tmp_path):
    """A build without DOCX never pays for the DOCX picture."""
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": YAML, "indicatoren.csv": INDICATOREN})
    analysis = load_rapport(folder)
    document = build_document(analysis)
    charts._png.cache_clear()
    options = {"folder": folder, "config": analysis.config}
    render_document(document, ("html",), "r", **options)
    assert charts._png.cache_info().currsize == 0
    render_document(document, ("docx",), "r", **options)
    assert charts._png.cache_info().currsize == 1


def test_unchanged_chart_is_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JAARVERSLAG_CACHE_DIR", str(tmp_path))
    for clear in (charts._svg.cache_clear, charts._png.cache_clear):
        clear()
    drawn = indicator_chart([indicator(label="Bewaard")], "g")
    drawn_svg, drawn_png = charts.svg(drawn), charts.png(drawn)
    assert sorted(p.suffix for p in (tmp_path / "charts").iterdir()) == [".png", ".svg"]

    def no_drawing(_series):
        raise AssertionError("drew a chart that was in the cache")

    monkeypatch.setattr(charts, "_figure", no_drawing)
    for clear in (charts._svg.cache_clear, charts._png.cache_clear):
        clear()
    again = indicator_chart([indicator(label="Bewaard")], "g")
    assert (charts.svg(again), charts.png(again)) == (drawn_svg, drawn_png)
    with pytest.raises(AssertionError, match="drew a chart"):
        charts.svg(indicator_chart([indicator(label="Anders")], "g"))  # other data: drawn anew


@pytest.mark.parametrize(
    ("panels", "years", "most"), [(3, 15, 6), (1, 15, 15), (3, 40, 6), (2, 4, 4)]
)
def test_year_labels_never_run_together(panels: int, years: int, most: int) -> None:
    """Fifteen years under a third of the page ran together into an unreadable band; a long
    series labels every so many years (the report year always), every year keeps its tick."""
    import re

    series = [
        indicator(
            ident=f"i{n}",
            label=f"Reeks {n}",
            realisatie={2000 + y: float(y + 1) for y in range(years)},
            doel={},
        )
        for n in range(panels)
    ]
    svg = charts.svg(indicator_chart(series, "g"))
    labelled = sorted(set(map(int, re.findall(r">(2\d{3})<", svg))))
    assert str(2000 + years - 1) in map(str, labelled)  # the last year is labelled
    assert 2 <= len(labelled) <= most or len(labelled) == years <= most
    steps = {b - a for a, b in pairwise(labelled)}
    assert len(steps) <= 1  # evenly spaced


# -- issue 26: a caption that says what the chart shows; year labels that stay in place -------


def test_the_caption_says_what_the_chart_shows():
    targets = indicator_chart([indicator(realisatie={}, doel={2019: 455.0, 2020: 425.0})], "g")
    assert targets is not None and targets.caption == "Doel per jaar"
    assert targets.alt.startswith("Staafdiagram van het doel per jaar.")
    actual = indicator_chart([indicator(doel={})], "g")
    assert actual is not None and actual.caption == "Realisatie per jaar"
    both = indicator_chart([indicator()], "g")
    assert both is not None and both.caption == "Realisatie en doel per jaar"


def test_every_panel_puts_a_year_in_the_same_place():
    """A panel whose first year has no data kept its year labels elsewhere than the others:
    every panel has the years of the whole chart, at the same places, data or not."""
    full = indicator("a", "Met 2016", {2016: 1400.0, 2017: 2559.0})
    late = indicator("b", "Zonder 2016", {2016: None, 2017: 35.0}, {2017: 44.0})
    later = indicator("c", "Pas vanaf 2017", {2017: 12.0})
    chart = indicator_chart([full, late, later], "g")
    assert chart is not None
    assert [[p.jaar for p in s.points] for s in chart.series] == [[2016, 2017]] * 3
    with charts._figure(chart.series) as figure:
        panels = [ax for ax in figure.axes if ax.get_visible() and ax.get_xticks().size]
        places = {
            (tuple(ax.get_xlim()), tuple(t.get_text() for t in ax.get_xticklabels()))
            for ax in panels
        }
    assert len(panels) == 3 and len(places) == 1, places
