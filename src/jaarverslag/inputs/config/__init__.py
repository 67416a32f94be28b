"""``rapport.yaml``: its keys declared once (:mod:`.keys`), the check behind each key
(:mod:`.checks`), the strict YAML reader with its map of lines (:mod:`.yamlfile`), and the
loader that turns it into a :class:`~.keys.Config` or every problem at once (:mod:`.load`).
In: the file's bytes. Out: the configuration, or problems naming line and key.
"""
