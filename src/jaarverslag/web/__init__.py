"""The werkplek (``jaarverslag web``): the whole product in the browser for a team, as a web
application that IT hosts. Requests in — pages, the JSON API, uploads — and out: the same checks,
previews, builds and inserts as the command line, made by the command line's own functions
(:mod:`jaarverslag.build`, :mod:`jaarverslag.commands.insert`, :mod:`jaarverslag.serve.preview`)
in bounded worker processes, over rapport folders materialised from a versioned file store."""
