"""A rapport is analysed once: check, the document and every per-partner variant share the
tables of one analysis."""

from __future__ import annotations

from support.helpers import DATA

from jaarverslag.analysis import document
from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.compute import beleidsplan


def test_variants_reuse_what_the_checks_computed(monkeypatch):
    calls = []
    original = beleidsplan.maatregelen_table

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(beleidsplan, "maatregelen_table", counting)
    rapport = load_rapport(DATA / "beleidsplan-wassenaar-2024")  # the total-row checks run here
    assert len(calls) == 1
    variants = [
        document.build_document(rapport, partij=p)
        for p in rapport.frames["verdeelsleutel"]["partij"]
    ]
    assert len(calls) == 1
    highlighted = [next(r.label for r in d.tables()[1].rows if r.highlight) for d in variants]
    assert highlighted == ["Leidschendam-Voorburg", "Wassenaar", "Voorschoten"]
