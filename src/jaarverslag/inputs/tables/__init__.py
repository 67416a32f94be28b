"""The data files: a CSV (:mod:`.readers`) or a worksheet (:mod:`.xlsx` cell by cell,
:mod:`.sheets`) becomes a raw table of text cells with their lines (:mod:`.raw`); the declared
spec of each data kind (:mod:`.schemas`) types it column by column (:mod:`.cells`); the
workbook ``rapport.xlsx`` holds one sheet per kind (:mod:`.workbook`).
In: bytes. Out: typed frames with a :data:`~.raw.LINE` column, or problems.
"""
