"""The bounded process pool: jobs of many users, run fairly, each within a time and memory limit.

Two *lanes*, each a few worker processes fed from :class:`~.fairqueue.FairQueue` s (fair
between users; see there):

- ``bouw``: builds and inserts (:attr:`Settings.workers` processes, one queue);
- ``controle``: checks and the live preview (:attr:`Settings.check_workers` processes), so a
  check after an upload never waits behind someone's builds. Each process keeps the previews
  and check engines of the rapporten it served, so a rapport's jobs always go to the same one
  (``route``: each process has a queue of its own). Its jobs are small and many (one per
  keystroke pause), so the next one is handed to the process while it runs one
  (:meth:`Lane._hand_on`): it starts the moment the one before is answered.

A worker is a process forked from a clean server process (``forkserver``, which has pandas and
the job functions loaded already) with an address-space limit (``RLIMIT_AS``,
:attr:`Settings.memory`): a job that needs more fails with a message instead of taking the
machine. Each job has a time limit: a worker that passes it is killed and replaced, and the job
fails saying so. A worker that dies (a crash, the kernel's OOM killer) is replaced too, and it
is replaced after :attr:`Settings.jobs_per_worker` jobs anyway. Every lane counts what it did
(:meth:`Workers.stats`), for the beheerder and for load tests.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from jaarverslag.web.fairqueue import FairQueue, Job
from jaarverslag.web.settings import Settings

__all__ = ["FairQueue", "Job", "JobFailed", "Lane", "Workers"]


class JobFailed(Exception):
    """A job that did not finish: it ran out of time or memory, or its worker died."""


@dataclass
class Counts:
    """What a lane did since the server started (seconds summed over finished jobs)."""

    done: int = 0
    failed: int = 0
    timed_out: int = 0
    crashed: int = 0
    running: int = 0
    waited: float = 0.0
    ran: float = 0.0
    longest_wait: float = 0.0
    superseded: int = 0  #: jobs dropped while waiting, a newer one of the same in their place


#: The builds' workers run at the lowest CPU priority (and as ``SCHED_IDLE``, :func:`worker.
#: background`): a colleague typing waits for a preview or a check of a second, not behind a
#: queue of PDFs (which wait longer).
BUILD_NICENESS = 19
#: The longest a client following a waiting job is told to wait before it asks again (seconds).
MAX_ASK_AGAIN = 10
#: The largest job (pickled) handed to a worker while it runs another (:meth:`Lane._hand_on`):
#: well within a local socket's buffer, so handing it on never waits.
HAND_ON_LIMIT = 32 * 1024


class Worker:
    """One worker process and the pipe to it; started when first needed."""

    def __init__(self, context: Any, settings: Settings, nice: int = 0) -> None:
        self.context = context
        self.nice = nice  #: added to the process's niceness: builds yield to checks
        self.settings = settings
        self.process: Any = None
        self.connection: Connection | None = None
        self.jobs = 0

    def ensure(self) -> Connection:
        if self.process is None or not self.process.is_alive():
            self.stop()
            ours, theirs = self.context.Pipe()
            from jaarverslag.web.worker import main

            self.process = self.context.Process(
                target=main, args=(theirs, self.settings.memory, self.nice), daemon=True
            )
            self.process.start()
            theirs.close()
            self.connection = ours
            self.jobs = 0
        assert self.connection is not None
        return self.connection

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.kill()
                self.process.join(5)
        if self.connection is not None:
            with contextlib.suppress(OSError):
                self.connection.close()
        self.process = None
        self.connection = None


class Lane:
    """A queue and the workers that empty it, one thread per worker."""

    def __init__(
        self,
        name: str,
        size: int,
        context: Any,
        settings: Settings,
        routed: bool = False,
        hand_on: bool = False,
    ) -> None:
        self.name = name
        #: hand the next job to a worker while it runs one (:meth:`_hand_on`)
        self.hand_on = hand_on
        #: one queue for all workers, or (``routed``) one per worker
        self.queues = [FairQueue() for _ in range(max(1, size) if routed else 1)]
        self.queue = self.queues[0]
        self.counts = Counts()
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        nice = BUILD_NICENESS if name == "bouw" else 0
        #: jobs before a worker is replaced: the controle worker keeps its previews and check
        #: engines (bounded in number), which a replacement would have to make again
        self._recycle = settings.jobs_per_worker if name == "bouw" else settings.checks_per_worker
        self._workers = [Worker(context, settings, nice) for _ in range(max(1, size))]
        self._settings = settings
        self._threads = [
            threading.Thread(
                target=self._run,
                args=(w, self.queues[i % len(self.queues)]),
                name=f"{name}-{i}",
                daemon=True,
            )
            for i, w in enumerate(self._workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(
        self,
        user: str,
        function: str,
        args: tuple[Any, ...],
        timeout: float,
        priority: int = 1,
        on_start: Callable[[], None] | None = None,
        supersedes: Job | None = None,
        route: int = 0,
        background: bool = False,
    ) -> Job:
        """A new job in the queue. ``supersedes``: an earlier job of the same thing (a preview of
        an older draft, a check of older files); if it is still waiting it is taken out, and
        whoever waits for it gets this job's answer — stale work is dropped, never newer.
        ``route``: the jobs of one rapport go to one worker; ``background``: nobody waits."""
        job = Job(
            priority, next(self._numbers), user, function, args, timeout,
            on_start=on_start, background=background,
        )  # fmt: skip
        if supersedes is not None and any(q.remove(supersedes) for q in self.queues):
            supersedes.superseded_by = job
            _forward(job.future, supersedes.future)
            with self._lock:
                self.counts.superseded += 1
        self.queues[route % len(self.queues)].put(job)
        return job

    def _take(self, queue: FairQueue, timeout: float | None) -> Job | None:
        """The next job of ``queue``, marked running and counted; None once the queue is closed
        (or, with a ``timeout``, when none waits that long)."""
        while True:
            job = queue.take(timeout)
            if job is None:
                return None
            if job.future.set_running_or_notify_cancel():
                break
        waited = time.monotonic() - job.submitted
        with self._lock:
            self.counts.running += 1
            self.counts.waited += waited
            self.counts.longest_wait = max(self.counts.longest_wait, waited)
        return job

    def _run(self, worker: Worker, queue: FairQueue) -> None:
        ahead: Job | None = None  #: the next job, handed on while the one before it ran
        handed: Any = None  #: the worker process it was handed to
        while True:
            job = ahead if ahead is not None else self._take(queue, None)
            sent = ahead is not None and handed is not None and handed is worker.process
            ahead = None
            if job is None:
                worker.stop()
                return
            if queue.closed and not sent:  # handed to a worker the closing stopped
                job.future.set_exception(JobFailed("afgebroken"))
                return
            start = time.monotonic()
            failure: JobFailed | None = None
            result: Any = None
            try:
                if job.on_start is not None:
                    job.on_start()
                if self.hand_on:
                    if not sent:
                        sent = self._send(worker, job)
                    ahead, handed = self._hand_on(worker, queue)
                    result = self._answer(worker, job, sent)
                else:
                    result = self._call(worker, job)
            except JobFailed as exc:
                failure = exc
            except Exception as exc:  # a bug of ours, said as such
                failure = JobFailed(f"interne fout ({type(exc).__name__}: {exc})")
            with self._lock:  # counted before anyone waiting hears of it
                self.counts.running -= 1
                self.counts.ran += time.monotonic() - start
                if failure is None:
                    self.counts.done += 1
                else:
                    self.counts.failed += 1
            if failure is None:
                job.future.set_result(result)
            else:
                job.future.set_exception(failure)

    def _hand_on(self, worker: Worker, queue: FairQueue) -> tuple[Job | None, Any]:
        """The job waiting next, handed to the worker now (when it is small), so the worker
        starts it the moment it has answered the one it runs — not after a round trip through
        this server, whose threads take turns with everything else it does. A job is handed on
        only while the worker has read the one before it (its pipe is empty), and only as
        large as fits in the pipe's buffer, so sending it never waits for the worker.
        Returns the job (None: none waits) and the process it was handed to (None: not)."""
        following = self._take(queue, 0)
        if following is None:
            return None, None
        message = ForkingPickler.dumps((following.function, following.args))
        if following.on_start is not None or len(message) > HAND_ON_LIMIT:
            return following, None
        process = worker.process
        return following, (process if self._send(worker, following, message) else None)

    def _send(self, worker: Worker, job: Job, message: memoryview | None = None) -> bool:
        """Hand ``job`` to the worker (started if need be); False when its pipe is broken."""
        connection = worker.ensure()
        try:
            if message is None:
                connection.send((job.function, job.args))
            else:
                connection.send_bytes(message)
        except (OSError, BrokenPipeError):
            return False
        return True

    def _call(self, worker: Worker, job: Job) -> Any:
        return self._answer(worker, job, self._send(worker, job))

    def _answer(self, worker: Worker, job: Job, sent: bool) -> Any:
        """The answer of ``job``, handed to the worker (``sent``), within its time limit."""
        connection = worker.connection
        answer: Any
        if not sent or connection is None:
            answer = ("weg", None)
        else:
            try:
                ready = connection.poll(job.timeout)
                answer = connection.recv() if ready else None
            except (EOFError, OSError, BrokenPipeError):
                answer = ("weg", None)
        if answer is None:
            worker.stop()
            with self._lock:
                self.counts.timed_out += 1
            raise JobFailed(
                f"gestopt na {_seconds(job.timeout)}: dit duurde langer dan de werkplek een "
                "taak toestaat"
            )
        status, value = answer
        worker.jobs += 1
        if status == "ok":
            if worker.jobs >= self._recycle:
                worker.stop()
            return value
        if status == "geheugen":
            worker.stop()
            limit = self._settings.memory // (1024 * 1024)
            raise JobFailed(
                f"gestopt: meer geheugen nodig dan de {limit} MB die de werkplek een taak geeft"
            )
        if status == "weg":
            worker.stop()
            with self._lock:
                self.counts.crashed += 1
            raise JobFailed("het werkproces stopte onverwacht (geheugen op of een crash)")
        raise JobFailed(str(value))

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counts = dict(self.counts.__dict__)
        finished = counts["done"] + counts["failed"]
        return {
            "wachtend": sum(len(queue) for queue in self.queues),
            "bezig": counts["running"],
            "klaar": counts["done"],
            "mislukt": counts["failed"],
            "te_lang": counts["timed_out"],
            "gecrasht": counts["crashed"],
            "werkers": len(self._workers),
            "gemiddelde_wachttijd": round(counts["waited"] / finished, 3) if finished else None,
            "langste_wachttijd": round(counts["longest_wait"], 3),
            "vervangen": counts["superseded"],
            "gemiddelde_duur": round(counts["ran"] / finished, 3) if finished else None,
        }

    def ask_again_after(self, ahead: int | None) -> int:
        """Seconds before someone following a job needs to ask about it again: 1 while it runs
        (or when this lane knows no durations yet), else half the wait its place in the queue
        says (``ahead`` jobs, each as long as the lane's average, over its workers), at most
        :data:`MAX_ASK_AGAIN`. A hundred people waiting for builds then ask a few times a
        minute, not every second."""
        with self._lock:
            finished = self.counts.done + self.counts.failed
            average = self.counts.ran / finished if finished else 0.0
        if not ahead or not average:
            return 1
        wait = ahead * average / len(self._workers)
        return max(1, min(MAX_ASK_AGAIN, round(wait / 2)))

    def close(self) -> None:
        for queue in self.queues:
            queue.close()
        for worker in self._workers:
            worker.stop()
        for thread in self._threads:
            thread.join(5)


def _forward(newer: Future[Any], older: Future[Any]) -> None:
    """When ``newer`` is done, ``older`` (taken out of the queue, never started) is done alike."""

    def done(future: Future[Any]) -> None:
        if not older.set_running_or_notify_cancel():
            return
        if future.cancelled():
            older.set_exception(JobFailed("afgebroken"))
        elif (error := future.exception()) is not None:
            older.set_exception(error)
        else:
            older.set_result(future.result())

    newer.add_done_callback(done)


def _seconds(value: float) -> str:
    return f"{value:g} s".replace(".", ",")


class Workers:
    """The werkplek's two lanes (see the module's docstring)."""

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["jaarverslag.web.worker", "jaarverslag.web.jobs", "pandas"])
        self.settings = settings
        self.bouw = Lane("bouw", settings.workers, context, settings)
        self.controle = Lane(
            "controle", settings.check_workers, context, settings, routed=True, hand_on=True
        )

    def stats(self) -> dict[str, Any]:
        return {"bouw": self.bouw.stats(), "controle": self.controle.stats()}

    def close(self) -> None:
        self.bouw.close()
        self.controle.close()
