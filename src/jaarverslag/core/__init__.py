"""Core: what every stage shares and that depends on nothing of ours.

The domain's closed sets as types (:mod:`.kinds`), problems and the one exception that
carries them (:mod:`.errors`), the format-neutral document (:mod:`.model`), Dutch number
formatting (:mod:`.numbers`), the bounded reads of a rapport folder (:mod:`.files`), Jinja's
bounded sandbox (:mod:`.sandbox`), safe file names (:mod:`.slugs`), helper processes
(:mod:`.processes`) and the adapters around third-party private names (:mod:`.xml`).
In: nothing. Out: the vocabulary the stages above speak.
"""
