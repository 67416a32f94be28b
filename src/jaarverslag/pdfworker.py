"""A forked helper process that imports WeasyPrint while the parent loads the data.

Importing WeasyPrint (about 0.45 s) and loading pandas plus the rapport (about 0.35 s) are
independent, so a single-process build forks this helper first: HTML goes in through a pipe,
PDF bytes come back. On a 2-core machine the two start-ups overlap, which keeps a whole
``jaarverslag build R -f pdf`` within 20% of the ``weasyprint`` command alone. Rendering stays
one document at a time (the parent waits), so ``-j 1`` still uses one core for the layout. If
the helper dies, rendering falls back to the parent process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
from pathlib import Path

from .errors import InputError
from .processes import helper_process

_HEADER = struct.Struct("!Q")


def _read_exact(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> object:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    return pickle.loads(_read_exact(fd, size))


def _serve(requests: int, replies: int) -> None:
    """The child: import, then render each request until the parent closes the pipe."""
    import weasyprint  # noqa: F401  (the point: pay the import while the parent loads)

    from .render.pdf import render_pdf

    if not select.select([requests], [], [], 0)[0]:  # only while the parent is still busy
        _warm_up()

    while True:
        try:
            html, folder, pdfa = _receive(requests)  # type: ignore[misc]
        except EOFError:
            return
        try:
            reply: tuple[str, object] = ("ok", render_pdf(html, folder, pdfa))
        except InputError as exc:
            reply = ("input", exc.problems)
        except Exception as exc:
            try:
                pickle.loads(pickle.dumps(exc))
                reply = ("error", exc)
            except Exception:
                reply = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
        _send(replies, reply)


def _warm_up() -> None:
    """Lay out a scrap of text in our own stylesheet while the parent is still loading: the
    first layout of a process pays for fontconfig and font loading, and this pays it early."""
    from weasyprint import HTML

    from .render.html import builtin_templates
    from .render.pdf import _font_config

    css = (builtin_templates() / "style.css").read_text(encoding="utf-8")
    with contextlib.suppress(Exception):
        HTML(
            string=f"<html lang=nl><style>{css}</style><h1>W</h1><p>1.234 <b>b</b> <i>i</i></p>"
            '<table class="cijfers"><tr><th>x</th><td class="num">1</td></tr></table></html>'
        ).render(font_config=_font_config())


class PdfWorker:
    """Renders PDFs in a forked child; call :meth:`close` when done."""

    def __init__(self) -> None:
        self.pid: int | None = None
        request_read, self._requests = os.pipe()
        self._replies, reply_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                helper_process()
                os.close(self._requests)
                os.close(self._replies)
                _serve(request_read, reply_write)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        self.pid = pid
        os.close(request_read)
        os.close(reply_write)

    def render(self, html: str, folder: Path | None, pdfa: bool = True) -> bytes:
        """Same contract as ``render.pdf.render_pdf``; falls back to it if the child is gone."""
        if self.pid is not None:
            try:
                _send(self._requests, (html, folder, pdfa))
                status, value = _receive(self._replies)  # type: ignore[misc]
            except (OSError, EOFError):
                self.close()
            else:
                if status == "ok":
                    return value  # type: ignore[return-value]
                if status == "input":
                    raise InputError(value)  # type: ignore[arg-type]
                raise value  # type: ignore[misc]
        from .render.pdf import render_pdf

        return render_pdf(html, folder, pdfa)

    def kill(self) -> None:
        """Stop the child now (Ctrl-C: don't wait for the document it is laying out)."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        """Let the child finish and reap it."""
        if self.pid is None:
            return
        for fd in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = None


def start() -> PdfWorker | None:
    """A helper where fork is safe (Linux, no threads yet); else None: render in-process."""
    import threading

    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    if os.environ.get("JAARVERSLAG_PDF_HELPER", "1") == "0":
        return None
    return PdfWorker()
