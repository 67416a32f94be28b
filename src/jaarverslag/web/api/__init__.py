"""The JSON API (``/api/…``) that the werkplek's pages use and IT can script: requests in,
JSON (or a file) out, every one authenticated (:mod:`jaarverslag.web.auth`) and authorised
(:mod:`jaarverslag.web.access`). Documented in ``docs/werkplek-api.md``."""
