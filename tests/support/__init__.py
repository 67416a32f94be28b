"""Test infrastructure for the werkplek and the website (issues 23–25): a throwaway PostgreSQL
(:mod:`support.postgres`), an OpenID Connect provider (:mod:`support.oidc`), an ASGI app on a
free port (:mod:`support.asgi`), headless Chromium that clicks and types (:mod:`support.browser`)
and Pagefind (:mod:`support.pagefind_probe`). ``tests/`` is on ``sys.path`` under pytest, so
``from support.postgres import running_postgres``; the fixtures load with
``pytest_plugins = ["support.postgres", "support.oidc"]``.
"""
