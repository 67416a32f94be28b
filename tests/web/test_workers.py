"""The bounded process pool: a fair queue (one user's fifty builds don't starve another's one), a
time and a memory limit per job, and a worker that dies is replaced."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.commands import probe as run_probe

from jaarverslag.web.settings import MB, Settings
from jaarverslag.web.store import Store
from jaarverslag.web.workers import FairQueue, Job, JobFailed, Lane, Workers

MINIMAL = b"titel: T\norganisatie: G\nsoort: jaarverslag\njaar: 2017\n"
INDICATOREN = b"id,indicator,jaar,soort,waarde\np,P,2017,realisatie,1\n"


def job(user: str, number: int, priority: int = 1) -> Job:
    return Job(priority, number, user, "check", (), 1.0)


def test_users_take_turns() -> None:
    queue = FairQueue()
    for number in range(50):
        queue.put(job("anna", number))
    queue.put(job("bram", 50))
    taken = [queue.take(0) for _ in range(4)]
    assert [(j.user, j.number) for j in taken if j] == [
        ("anna", 0),
        ("bram", 50),
        ("anna", 1),
        ("anna", 2),
    ]


def test_a_check_goes_before_a_users_own_builds() -> None:
    queue = FairQueue()
    queue.put(job("anna", 0, priority=2))
    queue.put(job("anna", 1, priority=2))
    queue.put(job("anna", 2, priority=0))
    assert [queue.take(0).number for _ in range(3)] == [2, 0, 1]  # type: ignore[union-attr]


def test_the_position_of_a_waiting_job() -> None:
    queue = FairQueue()
    anna = [job("anna", n) for n in range(5)]
    for item in anna:
        queue.put(item)
    bram = job("bram", 9)
    queue.put(bram)
    assert queue.position(anna[0]) == 0
    assert queue.position(bram) == 1  # after anna's first
    assert queue.position(anna[3]) == 4  # anna 0, bram, anna 1, anna 2
    assert queue.remove(anna[0]) and not queue.remove(anna[0])
    assert queue.position(anna[1]) == 0 and queue.position(anna[0]) is None
    assert queue.position(bram) == 1  # anna keeps her turn
    assert len(queue) == 5


def test_someone_following_a_waiting_job_is_told_when_to_ask_again(tmp_path: Path) -> None:
    """Half the wait its place says (ahead × the average job, over the workers), 1 to 10 s; 1 s
    while it runs or before any job finished."""
    import multiprocessing

    lane = Lane("bouw", 2, multiprocessing.get_context("forkserver"), Settings(data=tmp_path))
    try:
        assert lane.ask_again_after(5) == 1  # no job finished yet: nothing known
        lane.counts.done, lane.counts.ran = 4, 8.0  # two seconds a job
        assert [lane.ask_again_after(n) for n in (None, 0, 1, 3, 6, 100)] == [1, 1, 1, 2, 3, 10]
    finally:
        lane.close()


def test_closing_cancels_what_waits() -> None:
    queue = FairQueue()
    waiting = job("anna", 0)
    queue.put(waiting)
    queue.close()
    assert waiting.future.cancelled()
    assert queue.take(0) is None


@given(st.lists(st.sampled_from("abcde"), min_size=1, max_size=60))
def test_no_user_waits_while_another_takes_twice(users: list[str]) -> None:
    """Whatever was queued, between two jobs of one user every other user who still has a job
    waiting gets one of theirs."""
    queue = FairQueue()
    for number, user in enumerate(users):
        queue.put(job(user, number))
    left = Counter(users)
    since: dict[str, set[str]] = {}  #: who took a job since this user's last one
    while (taken := queue.take(0)) is not None:
        user = taken.user
        if user in since:
            waiting = {u for u, n in left.items() if n and u != user}
            assert waiting <= since[user], (user, waiting, since[user])
        for other in since.values():
            other.add(user)
        since[user] = set()
        left[user] -= 1
    assert sum(left.values()) == 0


# -- real worker processes ---------------------------------------------------------------------


def rapport(store: Store, clients: int = 0) -> dict[str, str]:
    files = {"rapport.yaml": store.put(MINIMAL), "indicatoren.csv": store.put(INDICATOREN)}
    if clients:
        rows = ["client,peildatum,trede"] + [f"c{i},2017-01-01,{1 + i % 6}" for i in range(clients)]
        files["clienten.csv"] = store.put(("\n".join(rows) + "\n").encode())
    return files


@pytest.mark.slow
def test_a_job_past_its_time_is_stopped_and_the_worker_replaced(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path)
    store = Store(settings.store)
    workers = Workers(settings)
    try:
        files = rapport(store)
        args = (settings.store, settings.work, "1", "r", files)
        slow = workers.bouw.submit("anna", "check", args, timeout=0.05)
        with pytest.raises(
            JobFailed,
            match=r"^gestopt na 0,05 s: dit duurde langer dan de werkplek een taak toestaat$",
        ):
            slow.future.result(60)
        again = workers.bouw.submit("anna", "check", args, timeout=60)
        assert again.future.result(60) == {"ok": True, "meldingen": []}
        stats = workers.bouw.stats()
        assert (stats["te_lang"], stats["mislukt"], stats["klaar"]) == (1, 1, 1)
    finally:
        workers.close()


@pytest.mark.slow
def test_a_job_past_its_memory_fails_with_a_message(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path, memory=800 * MB)
    store = Store(settings.store)
    workers = Workers(settings)
    try:
        big = workers.controle.submit(
            "anna",
            "check",
            (settings.store, settings.work, "1", "r", rapport(store, 2_000_000)),
            120,
        )
        with pytest.raises(
            JobFailed,
            match=r"^gestopt: meer geheugen nodig dan de 800 MB die de werkplek een taak geeft$",
        ):
            big.future.result(120)
        small = workers.controle.submit(
            "anna", "check", (settings.store, settings.work, "2", "r", rapport(store)), 120
        )
        assert small.future.result(120)["ok"] is True
    finally:
        workers.close()


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    import multiprocessing

    settings = Settings(data=tmp_path)
    store = Store(settings.store)
    context = multiprocessing.get_context("forkserver")
    lane = Lane("proef", 1, context, settings)
    try:
        files = rapport(store)
        args = (settings.store, settings.work, "1", "r", files)
        assert lane.submit("anna", "check", args, 60).future.result(60)["ok"]
        pid = lane._workers[0].process.pid
        doomed = lane.submit(
            "anna", "check", (settings.store, settings.work, "2", "r", rapport(store, 300_000)), 60
        )
        while lane.stats()["bezig"] == 0:
            time.sleep(0.01)
        time.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(JobFailed, match="het werkproces stopte onverwacht"):
            doomed.future.result(60)
        assert lane.submit("anna", "check", args, 60).future.result(60)["ok"]
        assert lane._workers[0].process.pid != pid
    finally:
        lane.close()


@pytest.mark.slow
def test_one_users_many_jobs_dont_starve_another(tmp_path: Path) -> None:
    import multiprocessing

    settings = Settings(data=tmp_path)
    store = Store(settings.store)
    lane = Lane("proef", 1, multiprocessing.get_context("forkserver"), settings)
    try:
        files = rapport(store)
        finished: list[str] = []

        def submit(user: str, key: str) -> Future[object]:
            item = lane.submit(user, "check", (settings.store, settings.work, key, "r", files), 60)
            item.future.add_done_callback(lambda _f: finished.append(user))
            return item.future

        anna = [submit("anna", f"a{n}") for n in range(6)]
        bram = submit("bram", "b")
        bram.result(60)
        for future in anna:
            future.result(60)
        assert finished.index("bram") <= 2  # anna's first (maybe running already), then bram
    finally:
        lane.close()


def test_a_waiting_job_is_replaced_by_a_newer_one_that_answers_both(tmp_path: Path) -> None:
    """Stale work is dropped (a preview of an older draft still waiting), never a newer one,
    and never a job a worker has started."""
    import multiprocessing
    import threading

    lane = Lane("proef", 1, multiprocessing.get_context("forkserver"), Settings(data=tmp_path))
    ran: list[tuple[object, ...]] = []

    def call(_worker: object, job: Job) -> tuple[object, ...]:
        ran.append(job.args)
        return job.args

    lane._call = call  # type: ignore[method-assign]  # no process: what ran, in order
    gate = threading.Event()
    try:
        busy = lane.submit("anna", "preview", ("bezig",), 10, on_start=gate.wait)
        while lane.stats()["bezig"] == 0:
            time.sleep(0.01)
        older = lane.submit("anna", "preview", ("oud",), 10)
        other = lane.submit("bram", "preview", ("bram",), 10)
        newer = lane.submit("anna", "preview", ("nieuw",), 10, supersedes=older)
        running = lane.submit("anna", "preview", ("later",), 10, supersedes=busy)
        gate.set()
        assert newer.future.result(10) == ("nieuw",)
        assert older.future.result(10) == ("nieuw",)  # its caller gets the newer answer
        assert busy.future.result(10) == ("bezig",) and running.future.result(10) == ("later",)
        assert other.future.result(10) == ("bram",)
        assert sorted(ran) == sorted([("bezig",), ("bram",), ("nieuw",), ("later",)])
        assert lane.stats()["vervangen"] == 1
    finally:
        lane.close()


def test_a_job_nobody_waits_for_gives_way_but_is_not_starved() -> None:
    """The check after a save (answered already) waits behind the previews people wait for,
    but at least one in :data:`BACKGROUND_EVERY` jobs taken is one of them."""
    from jaarverslag.web.fairqueue import BACKGROUND_EVERY

    queue = FairQueue()
    later = Job(0, 0, "anna", "check", (), 1.0, background=True)
    queue.put(later)
    for number in range(1, 10):
        queue.put(job(f"user{number}", number, priority=0))
    taken = [queue.take(0) for _ in range(BACKGROUND_EVERY)]
    assert [j.number for j in taken if j] == [1, 2, 3, 0]
    assert queue.position(later) is None and len(queue) == 6
    only = Job(0, 20, "bram", "check", (), 1.0, background=True)
    queue.put(only)
    assert queue.remove(only) and not queue.remove(only)


def test_a_rapports_jobs_always_go_to_the_same_process(tmp_path: Path) -> None:
    """With more than one process of checks and previews, each keeps the state of the
    rapporten it served: a rapport's jobs are routed to one of them, always the same."""
    import multiprocessing
    import threading

    lane = Lane(
        "proef", 3, multiprocessing.get_context("forkserver"), Settings(data=tmp_path), routed=True
    )
    served: dict[int, set[str]] = {}

    def call(_worker: object, job: Job) -> None:
        served.setdefault(job.args[0], set()).add(threading.current_thread().name)

    lane._call = call  # type: ignore[method-assign]
    try:
        jobs = [lane.submit("anna", "preview", (n % 5,), 10, route=n % 5) for n in range(30)]
        for item in jobs:
            item.future.result(10)
        assert all(len(threads) == 1 for threads in served.values()), served
        assert len(set().union(*served.values())) == 3  # and all three are used
    finally:
        lane.close()


@pytest.mark.slow
def test_the_next_check_is_handed_on_and_outlives_the_one_before_it(tmp_path: Path) -> None:
    """The lane of checks and previews hands the next job to its worker while it runs one (no
    round trip through the busy server in between). When the one it runs fails — past its
    time, the worker killed — the job handed on is not lost: the new worker runs it. A job too
    large for the pipe's buffer is not handed on, and runs all the same."""
    import threading
    from multiprocessing.reduction import ForkingPickler

    from jaarverslag.web.workers import HAND_ON_LIMIT

    settings = Settings(data=tmp_path)
    store = Store(settings.store)
    workers = Workers(settings)
    lane = workers.controle
    sent: list[tuple[str, int, bool]] = []  # which job, to which process, handed on
    send = lane._send

    def recording(worker: Any, job: Job, message: memoryview | None = None) -> bool:
        done = send(worker, job, message)
        sent.append((job.args[2], worker.process.pid, message is not None))
        return done

    lane._send = recording  # type: ignore[method-assign]
    gate = threading.Event()
    try:
        small = rapport(store)
        slow = lane.submit(
            "anna", "check", (settings.store, settings.work, "1", "r", rapport(store, 300_000)),
            0.2, on_start=gate.wait,
        )  # fmt: skip
        while lane.stats()["bezig"] == 0:
            time.sleep(0.01)
        after = lane.submit("bram", "check", (settings.store, settings.work, "2", "r", small), 60)
        gate.set()
        with pytest.raises(JobFailed, match=r"^gestopt na 0,2 s"):
            slow.future.result(60)
        assert after.future.result(60) == {"ok": True, "meldingen": []}
        (first, old, _), (handed, same, on), (again, new, _) = sent
        assert (first, handed, again) == ("1", "2", "2") and on  # handed on, then again
        assert old == same != new  # to the new worker
        sent.clear()
        large = small | {f"teksten/t{i}.md": store.put(b"# T\n") for i in range(500)}
        args = (settings.store, settings.work, "4", "r", large)
        assert len(ForkingPickler.dumps(("check", args))) > HAND_ON_LIMIT
        gate.clear()
        first_job = lane.submit(
            "anna", "check", (settings.store, settings.work, "3", "r", small), 60,
            on_start=gate.wait,
        )  # fmt: skip
        while lane.stats()["bezig"] == 0:
            time.sleep(0.01)
        big = lane.submit("bram", "check", args, 60)
        gate.set()
        assert first_job.future.result(60)["ok"] and big.future.result(60)["ok"]
        assert [(key, on) for key, _pid, on in sent] == [("3", False), ("4", False)]
    finally:
        workers.close()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's scheduling classes")
def test_a_build_worker_runs_only_when_no_check_or_preview_wants_the_core(
    tmp_path: Path,
) -> None:
    import multiprocessing

    settings = Settings(data=tmp_path)
    store = Store(settings.store)
    context = multiprocessing.get_context("forkserver")
    lanes = [Lane(name, 1, context, settings) for name in ("bouw", "controle")]
    try:
        args = (settings.store, settings.work, "1", "r", rapport(store))
        policy = {}
        for lane in lanes:
            assert lane.submit("anna", "check", args, 60).future.result(60)["ok"]
            pid = lane._workers[0].process.pid
            assert pid is not None
            policy[lane.name] = os.sched_getscheduler(pid), os.getpriority(os.PRIO_PROCESS, pid)
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert policy == {
            "bouw": (os.SCHED_IDLE, min(19, own + 19)),
            "controle": (os.SCHED_OTHER, own),
        }
    finally:
        for lane in lanes:
            lane.close()


@pytest.mark.parametrize(("nice", "thresholds"), [(0, "(7000, 10, 100)"), (19, "(700, 10, 10)")])
def test_the_worker_of_checks_and_previews_collects_its_oldest_garbage_less_often(
    nice: int, thresholds: str
) -> None:
    """Its kept previews made each full collection walk them all (up to 0.18 s of someone's
    preview); a build worker keeps the default, or its garbage would pile up."""
    probe = (
        "import gc\n"
        "from jaarverslag.web.worker import main\n"
        "class Closed:\n"
        "    def recv(self):\n"
        "        raise EOFError\n"
        f"main(Closed(), 0, {nice})\n"
        "print(gc.get_threshold(), gc.get_freeze_count() > 0)\n"
    )
    assert run_probe(probe).strip() == f"{thresholds} {nice == 0}"
