"""Word: every line of python-docx code. The writer walks the HTML page into a document
(:mod:`.writer`, tables by :mod:`.tables`, pictures by :mod:`.pictures`, the document around
them by :mod:`.settings`), in the styles of a house style or of the user's own document
(:mod:`.styles`); a chapter of someone's document is found and replaced (:mod:`.chapter`) and
the package written back untouched where it wasn't edited (:mod:`.package`).
"""
