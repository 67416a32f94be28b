"""The commands, one module each: arguments in, one call to the stages, an exit status out.

``build`` (:mod:`.build`: progress and the summary), ``new`` (:mod:`.new`, with the starter
workbook of :mod:`.new_workbook`) and ``insert`` (:mod:`.insert`). ``check`` is the
orchestrator's first two stages; ``serve`` has its own package.
"""
