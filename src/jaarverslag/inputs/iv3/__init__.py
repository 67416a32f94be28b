"""The municipality's Iv3 delivery (``iv3.json``, the JSON its financial package sends to CBS)
as the source of the kosten per taakveld.

Before anything is read it is checked as CBS checks it (:mod:`.delivery`): its size and depth
(:mod:`.parse`), the JSON schema (:mod:`.schema`), the year's code lists, the grey cells and the
controls on lasten and baten (:mod:`.checks`), with the definitions CBS publishes
(``definities/``). In: the delivery's bytes and the taakvelden of ``rapport.yaml``. Out: kosten
rows, or every problem as ``iv3.json: <path>: foutcode <code>: <CBS's wording>``.
"""
