"""Stage 1, inputs: everything that touches the rapport folder.

In: a rapport folder. Out: :class:`.folder.Inputs` — ``rapport.yaml`` as a typed
configuration (:mod:`.config`), each data file as a checked, typed frame with the line of every
row (:mod:`.tables`: CSV, a worksheet, the workbook ``rapport.xlsx``), the Markdown texts
(:mod:`.texts`) and their pictures (:mod:`.images`), a reeks split into gemeenten
(:mod:`.reeks`) — and every problem found, each with file, line and column. Nothing is computed
here and nothing outside the folder is read.
"""
