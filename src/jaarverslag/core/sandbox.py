"""Jinja's sandbox with bounds on work: for the author's Markdown and the rapport's templates.

Jinja's own sandbox stops attribute tricks (``__class__``) and caps ``range``; everything else a
template can do is bounded here, so a text of seventy bytes can't take a gigabyte or an hour:

- **one operation** builds at most :data:`MAX_BUILD` characters or items, judged before it runs:
  ``*``, ``+``, ``~``, ``%``, the padding and replacing methods and filters (``center``,
  ``ljust``, ``replace``, ``indent``, ``format`` …), and a container printed or joined;
  exponents stay small and integers short;
- **one render** (:class:`Limits`) takes at most so many steps (loop rounds and calls, so a
  nested loop or a macro calling itself twice stops in any thread, without a signal), builds at
  most so many characters in all (every operation's result counted: a loop that piles up
  megabytes in a ``{% set %}`` block stops there) and writes at most so much output (counted
  as it is written, so a loop that would write gigabytes stops after the first megabytes);
- lists, dicts and sets can't be changed in place (Jinja's immutable sandbox);
- and as a last line, the render runs under an address-space limit of the process of
  :attr:`Limits.memory` more than it had (Linux), so whatever else a template finds ends as a
  :class:`TooMuchWork` — as does a recursion too deep. :func:`deadline` adds a time limit where
  the process allows signals.

Every bound is :class:`TooMuchWork`, a :class:`~jinja2.exceptions.SecurityError`, which the
callers report as ``file:line: sjabloonfout: …``.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from jaarverslag.core.bounds import (
    MAX_BUILD,
    TooMuchWork,
    check_binop,
    check_deep,
    check_filter,
    check_method,
    deep_size,
    too_much,
)
from jaarverslag.core.limits import deadline as timed
from jaarverslag.core.limits import dutch, growth_limit

MAX_SECONDS = 30  #: one render of a template or text
#: A call (a macro, a method, a function) counts as this many steps of a loop: it costs more.
CALL_STEPS = 20
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one render may do in all: characters written, characters built by all its
    operations together, steps (loop rounds and calls), and memory the process may grow by."""

    output: int
    built: int
    steps: int = 2_000_000
    memory: int = 512 * MB
    seconds: float = MAX_SECONDS


#: A text's live figures: its output is a text of at most 2 MB.
TEXTS = Limits(output=2 * MB, built=20 * MB, seconds=10)
#: A page template (the rapport's own or ours): the whole page, its charts inline.
PAGES = Limits(output=200 * MB, built=800 * MB, steps=5_000_000, memory=1536 * MB)


@dataclass
class _Budget:
    limits: Limits
    steps: int = 0
    built: int = 0
    written: int = 0
    clock: int = 0  #: the step count at which the time is looked at next
    until: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.until += self.limits.seconds

    def step(self, weight: int = 1) -> None:
        self.steps += weight
        if self.steps > self.limits.steps:
            raise TooMuchWork(
                f"het sjabloon doet meer dan {dutch(self.limits.steps)} stappen (lussen en "
                "aanroepen); zoveel werk vraagt geen document"
            )
        if self.steps >= self.clock:  # the time, now and then: a deadline in any thread
            self.clock = self.steps + 1000
            if time.monotonic() > self.until:
                raise TooMuchWork(
                    f"het sjabloon is na {self.limits.seconds:g} seconden nog niet klaar"
                )

    def build(self, value: object) -> None:
        self.built += _length(value)
        if self.built > self.limits.built:
            raise TooMuchWork(
                f"het sjabloon maakt in totaal meer dan {dutch(self.limits.built)} tekens"
            )

    def write(self, size: int) -> None:
        self.written += size
        if self.written > self.limits.output:
            raise TooMuchWork(f"de uitkomst wordt langer dan {dutch(self.limits.output)} tekens")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def _budget() -> _Budget:
    """The budget of the render under way; outside one (Jinja folding a constant expression
    while it compiles) a fresh one for that operation alone, never kept."""
    budget = _BUDGET.get()
    return _Budget(PAGES) if budget is None else budget


def _length(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)  # keeps Jinja's pass_context and friends
    def bounded(*args: Any, **kwargs: Any) -> Any:
        check_filter(name, args, kwargs)
        result = function(*args, **kwargs)
        _budget().build(result)
        return result

    return bounded


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's compiler, but every loop counts its rounds and every ``~`` is judged first."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        counted = nodes.Call(
            nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None, lineno=node.lineno
        )
        loop = nodes.For(
            node.target,
            counted,
            node.body,
            node.else_,
            node.test,
            node.recursive,
            lineno=node.lineno,
        )
        super().visit_For(loop, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined(")
        if frame.eval_ctx.volatile:
            self.write("(markup_join if context.eval_ctx.volatile else str_join), (")
        elif frame.eval_ctx.autoescape:
            self.write("markup_join, (")
        else:
            self.write("str_join, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """A sandbox whose every way to spend memory or time is bounded (see the module)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = BoundedCodeGenerator
    limits = PAGES

    def __init__(self, *args: Any, limits: Limits = PAGES, **kwargs: Any) -> None:
        finalize = kwargs.pop("finalize", None)
        super().__init__(*args, finalize=self._finalizer(finalize), **kwargs)
        self.limits = limits
        self.filters = {n: _bounded_filter(n, f) for n, f in self.filters.items()}
        self.globals.pop("lipsum", None)

    @staticmethod
    def _finalizer(given: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
        def finalize(value: Any) -> Any:
            check_deep(value, "deze uitvoer")
            return value if given is None else given(value)

        return finalize

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _budget().build(result)
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        budget.step(CALL_STEPS)
        check_method(__obj, args)
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self.counted(args[0]), *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        budget.build(result)
        return result

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The rounds of a loop, each a step of the render."""
        budget = _budget()
        for item in iterable:
            budget.step()
            yield item

    def joined(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b``, judged before it is joined."""
        size = sum(len(p) if isinstance(p, str) else deep_size(p) for p in parts)
        if size > MAX_BUILD:
            raise too_much("deze samenvoeging met ~")
        result = join(parts)
        _budget().build(result)
        return result

    def concat(self, parts: Iterable[str]) -> str:
        """A block's output (a macro, ``{% set %}…{% endset %}``), judged before it is joined."""
        pieces = list(parts)
        size = sum(len(p) for p in pieces)
        budget = _budget()
        if size > budget.limits.output:
            raise TooMuchWork(
                f"een blok van het sjabloon wordt langer dan {dutch(budget.limits.output)} tekens"
            )
        budget.build(pieces)
        budget.built += size
        return "".join(pieces)


class BoundedTemplate(Template):
    """A template whose render keeps to its environment's :class:`Limits`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        outer = _BUDGET.get()
        limits = getattr(self.environment, "limits", PAGES)
        budget = outer if outer is not None else _Budget(limits)
        token = _BUDGET.set(budget)
        try:
            context = self.new_context(dict(*args, **kwargs))
            with growth_limit(budget.limits.memory):
                try:
                    parts = []
                    written: Generator[str, None, None] = self.root_render_func(context)  # type: ignore[assignment]
                    for part in written:
                        try:
                            budget.write(len(part))
                        except TooMuchWork as exc:  # raised where the template wrote it
                            written.throw(exc)  # (its file and line in the traceback)
                        parts.append(part)
                    return "".join(parts)
                except MemoryError as exc:
                    message = (
                        f"het sjabloon vraagt meer dan {budget.limits.memory // MB} MB geheugen"
                    )
                    raise TooMuchWork(message).with_traceback(exc.__traceback__) from None
                except RecursionError as exc:
                    message = (
                        "het sjabloon is te diep genest (een macro of sjabloon die zichzelf "
                        "aanroept?)"
                    )
                    raise TooMuchWork(message).with_traceback(exc.__traceback__) from None
        except Exception:
            self.environment.handle_exception()  # the template's own file and line in it
        finally:
            _BUDGET.reset(token)


BoundedSandbox.template_class = BoundedTemplate


@contextlib.contextmanager
def deadline(seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Raise :class:`TooMuchWork` in the block once ``seconds`` have passed (main thread only:
    elsewhere signals can't reach it, and the steps and clock of :class:`Limits` bound the
    work)."""

    def expired() -> TooMuchWork:
        return TooMuchWork(f"het sjabloon is na {seconds:g} seconden nog niet klaar")

    with timed(seconds, expired):
        yield
