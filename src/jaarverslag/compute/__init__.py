"""The domain's computations: checked frames in, format-neutral tables and facts out.

Indicators and their conclusions, kosten with verschil and V/N, the beleidsplan's maatregelen
and the split over partners, the participatieladder with its privacy protection, the
comparison of gemeenten. Each block's entry point is named in the registry
(:mod:`jaarverslag.analysis.blocks`); nothing here reads a file or writes markup.
"""
