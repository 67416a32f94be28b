"""An ASGI app (Starlette, FastAPI) served by a real uvicorn on 127.0.0.1 in a thread of the
test process, on a port the OS picks (the socket is bound before uvicorn starts: no race)::

    from support.asgi import serving

    with serving(app) as base_url:            # "http://127.0.0.1:PORT"
        httpx.get(f"{base_url}/gezondheid")

For the werkplek itself prefer a real process (``jaarverslag web --port 0``), as the serve
tests do, so a SIGKILL test kills a server and not the test; this is for the small apps a
test builds around a library (an OpenID relying party, a middleware).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving(app: Any, *, timeout: float = 10, **config: Any) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL. ``config``: more
    ``uvicorn.Config`` options (``log_level`` is ``warning`` unless given)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config.setdefault("log_level", "warning")
    server = uvicorn.Server(uvicorn.Config(app, lifespan="auto", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


@contextmanager
def serving_folder(folder: Any, **config: Any) -> Iterator[str]:
    """Serve the files of ``folder`` as a plain static host does (``index.html`` for a folder,
    404 for what is not there); yields the base URL."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    app = Starlette(routes=[Mount("/", StaticFiles(directory=folder, html=True))])
    with serving(app, **config) as base:
        yield base
