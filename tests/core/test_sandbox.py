"""The bounded sandbox (issue 22, cases 2 and 6): every way a short text could build gigabytes
or loop for hours stops — in a second, within a little memory, in any thread — with a message;
what documents really do still works."""

from __future__ import annotations

import threading
import time

import pytest
from jinja2.exceptions import SecurityError
from support.hostile import LOOPING_TEXTS

from jaarverslag.core.sandbox import TEXTS, BoundedSandbox, Limits


def render(text: str, limits: Limits = TEXTS) -> str:
    return BoundedSandbox(limits=limits, autoescape=True).from_string(text).render()


@pytest.mark.parametrize("case", sorted(LOOPING_TEXTS))
def test_every_way_to_build_or_loop_too_much_stops(case: str) -> None:
    start = time.monotonic()
    with pytest.raises((SecurityError, TypeError)):
        render(LOOPING_TEXTS[case])
    assert time.monotonic() - start < 20


@pytest.mark.parametrize("case", ["nested", "recursion", "set-block"])
def test_a_render_stops_in_any_thread(case: str) -> None:
    """Signals reach only the main thread (serve renders a gemeente's page in another): the
    steps, the size and the clock of the render stop it there too."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            render(LOOPING_TEXTS[case])
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert raised and isinstance(raised[0], SecurityError)


def test_the_clock_of_a_render_stops_it() -> None:
    slow = Limits(output=10**9, built=10**9, steps=10**12, seconds=0.5)
    start = time.monotonic()
    with pytest.raises(SecurityError, match=r"na 0\.5 seconden nog niet klaar"):
        render(LOOPING_TEXTS["nested"], slow)
    assert time.monotonic() - start < 5


def test_a_render_that_needs_too_much_memory_is_stopped() -> None:
    """The last line: whatever else a template finds, the process may grow only so much."""
    tight = Limits(output=10**12, built=10**12, steps=10**12, memory=64 * 1024 * 1024)
    text = "{% for i in range(2000) %}{{ ' ' * 999999 }}{% endfor %}"
    with pytest.raises(SecurityError, match="meer dan 64 MB geheugen"):
        render(text, tight)
    assert render("{{ 'x' * 3 }}", tight) == "xxx"  # and the limit is lifted again


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ 'ab' * 3 }}{{ 2 ** 10 }}", "ababab1024"),
        ("{% for i in range(3) %}{{ i }}{% endfor %}", "012"),
        ("{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(1) }}{{ m(2) }}", "[1][2]"),
        ("{% set x %}blok{% endset %}{{ x ~ '!' }}", "blok!"),
        ("{{ '%5.1f' % 3.14159 }}|{{ '{:>4}'.format(7) }}", "  3.1|   7"),
        ("{{ 'a b'|replace(' ', '-')|center(5) }}|{{ [1, 2]|join(',') }}", " a-b |1,2"),
        ("{% for x in [[1, [2]]] recursive %}{{ loop(x[1:]) if x is iterable }}{% endfor %}", ""),
    ],
)
def test_what_a_document_does_still_works(text: str, expected: str) -> None:
    assert render(text) == expected


def test_lists_cannot_be_changed_in_place() -> None:
    with pytest.raises(SecurityError):
        render("{% set l = [] %}{{ l.append(1) }}")


def test_a_budget_never_outlives_its_render() -> None:
    """Jinja folds constant filters while it compiles, outside any render: the budget made
    for that must not be the next render's (its clock ran out in a long test run)."""
    from jaarverslag.core import sandbox

    env = BoundedSandbox(limits=Limits(output=100, built=100, seconds=0.1))
    env.from_string("{{ 'a'|upper }}")  # folded at compile time
    assert sandbox._BUDGET.get() is None
    time.sleep(0.3)
    assert env.from_string("{% for i in range(2000) %}{% endfor %}ok").render() == "ok"
