"""A forked helper process that imports WeasyPrint while the parent loads the data.

Importing WeasyPrint (about 0.45 s) and loading pandas plus the rapport (about 0.35 s) are
independent, so a single-process build forks this helper first: HTML goes in through a pipe,
PDF bytes come back. On a 2-core machine the two start-ups overlap, which keeps a whole
``jaarverslag build R -f pdf`` within 20% of the ``weasyprint`` command alone. Rendering stays
one document at a time (the parent waits), so ``-j 1`` still uses one core for the layout. If
the helper dies, a fresh one tries the document once more.
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

from jaarverslag.core.errors import InputError
from jaarverslag.core.limits import PDF_MEMORY, PDF_SECONDS, TooLong, cap_process
from jaarverslag.core.processes import helper_process

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


def _serve(requests: int, replies: int, warm_up: bool) -> None:
    """The child: import, then render each request until the parent closes the pipe."""
    from jaarverslag.render.libraries import load_weasyprint

    load_weasyprint()  # the point: pay the import while the parent loads (first: the longest)
    from jaarverslag.render.pdf import render_pdf

    if warm_up and not select.select([requests], [], [], 0)[0]:  # only while the parent loads
        _warm_up()
    # a layout may grow this process by what writing a PDF may take, no more
    cap_process(PDF_MEMORY)

    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        html, folder, pdfa = request if isinstance(request, tuple) else ("", None, True)
        reply: tuple[str, object]
        try:
            reply = ("ok", render_pdf(html, folder, pdfa))
        except InputError as exc:
            reply = ("input", exc.problems)
        except MemoryError:
            reply = ("error", MemoryError())
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

    from jaarverslag.render.html import builtin_templates
    from jaarverslag.render.pdf import font_config

    css = (builtin_templates() / "style.css").read_text(encoding="utf-8")
    with contextlib.suppress(Exception):
        HTML(
            string=f"<html lang=nl><style>{css}</style><h1>W</h1><p>1.234 <b>b</b> <i>i</i></p>"
            '<table class="cijfers"><tr><th>x</th><td class="num">1</td></tr></table></html>'
        ).render(font_config=font_config())


class RenderCrashed(Exception):
    """The PDF layout died twice (in WeasyPrint's C libraries, or out of memory)."""


class PdfWorker:
    """Renders PDFs in a forked child; call :meth:`close` when done.

    A child that dies while laying out a document (a crash in pango or harfbuzz, the
    out-of-memory killer) is replaced by a fresh one and the document tried once more; a second
    death is :class:`RenderCrashed`, that rapport's failure, never a hang. The child may grow
    by the memory a PDF may take (``MemoryError``), and a document that takes longer than its
    :data:`~jaarverslag.core.limits.PDF_SECONDS` is stopped (``TooLong``).
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.pid: int | None = None
        self.rendered = 0
        #: how long one PDF may take before the child is stopped
        self.seconds = PDF_SECONDS if seconds is None else seconds
        self._spawn(warm_up=True)

    def _spawn(self, warm_up: bool) -> None:
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
                _serve(request_read, reply_write, warm_up)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        self.pid = pid
        os.close(request_read)
        os.close(reply_write)

    def render(self, html: str, folder: Path | None, pdfa: bool = True) -> bytes:
        """Same contract as ``render.pdf.render_pdf``, in the child."""
        for attempt in (1, 2):
            if self.pid is None:
                self._spawn(warm_up=False)
            try:
                self.rendered += 1
                _send(self._requests, (html, folder, pdfa))
                if not select.select([self._replies], [], [], self.seconds)[0]:
                    self.kill()  # laying out for too long: the document is too large
                    raise TooLong
                reply = _receive(self._replies)
            except (OSError, EOFError):
                self.close()  # the child died: a fresh one gets the document once more
                if attempt == 2:
                    raise RenderCrashed(
                        "de PDF-opmaak is twee keer afgebroken (een crash of geheugen op)"
                    ) from None
                continue
            status, value = reply if isinstance(reply, tuple) else ("error", reply)
            if status == "ok" and isinstance(value, bytes):
                return value
            if status == "input":
                raise InputError(value if isinstance(value, list) else [])
            raise value if isinstance(value, Exception) else RuntimeError(str(value))
        raise AssertionError("unreachable")

    def kill(self) -> None:
        """Stop the child now (Ctrl-C: don't wait for the document it is laying out)."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        """Let the child finish and reap it (one that was never asked for a PDF is only
        importing WeasyPrint: it is stopped, not waited for)."""
        if self.pid is None:
            return
        if not self.rendered:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
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
