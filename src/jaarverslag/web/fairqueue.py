"""The queue of a lane of worker processes (:mod:`.workers`): fair between users, and with work
that nobody waits for kept behind the work somebody does.

A queue takes its users' jobs in turns (round robin), so one user's fifty builds don't keep
another's one waiting for more than one job per worker; within a user, a job of a higher
priority (a check) goes first, then first come first served.

A job marked ``background`` (the check after a save: it was answered already, its verdict
follows on the event stream) waits in a band of its own, taken when no one's job waits in the
first band — and at least every :data:`BACKGROUND_EVERY` th job, so it is never starved. The
background band stays small under any load: a rapport's waiting check is replaced by the newer
one (:meth:`FairQueue.remove` and :meth:`.workers.Lane.submit`'s ``supersedes``).
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

BACKGROUND_EVERY = 4  #: at least one background job among this many taken


@dataclass(order=True)
class Job:
    """One call of a job function (:data:`jaarverslag.web.jobs.JOBS`) for one user."""

    priority: int
    number: int
    user: str = field(compare=False)
    function: str = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)
    timeout: float = field(compare=False)
    future: Future[Any] = field(compare=False, default_factory=Future)
    submitted: float = field(compare=False, default_factory=time.monotonic)
    #: called (in the lane's thread) when a worker takes the job
    on_start: Callable[[], None] | None = field(compare=False, default=None)
    #: nobody waits for it (see the module's docstring)
    background: bool = field(compare=False, default=False)
    #: the newer job that took its place while it waited; its answer is that job's
    superseded_by: Job | None = field(compare=False, default=None, repr=False)


class _Band:
    """Jobs by user, taken in turns."""

    def __init__(self) -> None:
        self.jobs: dict[str, list[Job]] = {}
        self.turns: deque[str] = deque()

    def put(self, job: Job) -> None:
        if job.user not in self.jobs:
            self.jobs[job.user] = []
            self.turns.append(job.user)
        heapq.heappush(self.jobs[job.user], job)

    def take(self) -> Job:
        user = self.turns.popleft()
        jobs = self.jobs[user]
        job = heapq.heappop(jobs)
        if jobs:
            self.turns.append(user)  # their next job after everyone else's
        else:
            del self.jobs[user]
        return job

    def remove(self, job: Job) -> bool:
        jobs = self.jobs.get(job.user)
        if jobs is None or job not in jobs:
            return False
        jobs.remove(job)
        heapq.heapify(jobs)
        if not jobs:
            del self.jobs[job.user]
            self.turns.remove(job.user)
        return True

    def __len__(self) -> int:
        return sum(len(jobs) for jobs in self.jobs.values())


class FairQueue:
    """Jobs by user, taken in turns (see the module's docstring); :meth:`take` waits."""

    def __init__(self) -> None:
        self._first = _Band()
        self._later = _Band()
        self._since_later = 0
        self._ready = threading.Condition()
        self._closed = False

    def put(self, job: Job) -> None:
        with self._ready:
            (self._later if job.background else self._first).put(job)
            self._ready.notify()

    def take(self, timeout: float | None = None) -> Job | None:
        """The next job (None once closed, or after ``timeout`` without one)."""
        with self._ready:
            self._ready.wait_for(
                lambda: self._first.turns or self._later.turns or self._closed, timeout
            )
            if self._closed:
                return None
            later = self._later.turns and (
                not self._first.turns or self._since_later >= BACKGROUND_EVERY - 1
            )
            if later:
                self._since_later = 0
                return self._later.take()
            if not self._first.turns:
                return None
            self._since_later += 1
            return self._first.take()

    def remove(self, job: Job) -> bool:
        """Take a job out before it started; False when it is no longer waiting."""
        with self._ready:
            return (self._later if job.background else self._first).remove(job)

    def position(self, job: Job) -> int | None:
        """How many waiting jobs go before ``job`` as the turns stand (None: not waiting)."""
        with self._ready:
            band = self._first
            mine = band.jobs.get(job.user)
            if job.background or mine is None or job not in mine:
                return None
            rank = sorted(mine).index(job)
            ahead = rank
            for user in band.turns:
                if user == job.user:
                    break
                ahead += min(len(band.jobs[user]), rank + 1)
            else:
                return ahead
            seen_me = False
            for user in band.turns:
                if user == job.user:
                    seen_me = True
                elif seen_me:
                    ahead += min(len(band.jobs[user]), rank)
            return ahead

    def __len__(self) -> int:
        with self._ready:
            return len(self._first) + len(self._later)

    @property
    def closed(self) -> bool:
        with self._ready:
            return self._closed

    def close(self) -> None:
        with self._ready:
            self._closed = True
            for band in (self._first, self._later):
                for jobs in band.jobs.values():
                    for job in jobs:
                        job.future.cancel()
                band.jobs.clear()
                band.turns.clear()
            self._ready.notify_all()
