"""What one operation of a template may build, judged before it runs (:mod:`.sandbox`).

Each check raises :class:`TooMuchWork` when the operation would build more than
:data:`MAX_BUILD` characters or items — a string multiplied, two lists added, a width of a
thousand million in ``center`` or a format, a container of gigabytes printed — or an integer of
more than :data:`MAX_BITS` bits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context

from jaarverslag.core.limits import dutch

MAX_BUILD = 1_000_000  #: characters or items one operation may build
MAX_EXPONENT = 1_000
MAX_BITS = 100_000  #: bits of an integer an operation may make (about 30,000 digits)


class TooMuchWork(SecurityError):
    """A template asked for more work than any document needs."""


def deep_size(value: object, limit: int = MAX_BUILD) -> int:
    """Characters and items in ``value`` and everything it holds (a shared item counted every
    time it is held, as printing it would); stops counting past ``limit``."""
    total = 0
    todo = [value]
    while todo and total <= limit:
        item = todo.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item) + 2
            todo.extend(item)
        elif isinstance(item, Mapping):
            total += 2 * len(item) + 2
            todo.extend(item.keys())
            todo.extend(item.values())
        else:
            total += 8
    return total


def too_much(what: str) -> TooMuchWork:
    return TooMuchWork(f"{what} maakt meer dan {dutch(MAX_BUILD)} tekens")


def check_deep(value: object, what: str) -> None:
    if isinstance(value, list | tuple | set | frozenset | Mapping) and (
        deep_size(value) > MAX_BUILD
    ):
        raise too_much(what)


#: A width or precision in a ``%`` or ``{}`` format, or one given as an argument (``*``).
PERCENT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
BRACE_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}|\{[^{}]*:[^}]*\{")


def check_format(text: object) -> None:
    """A format string whose widths could build more than one operation may."""
    if not isinstance(text, str):
        return
    for match in PERCENT_WIDTH.finditer(text):
        for number in match.groups():
            if number == "*" or (number and int(number) > MAX_BUILD):
                raise too_much("deze opmaak")
    for match in BRACE_SPEC.finditer(text):
        spec = match.group(1)
        if spec is None or any(int(n) > MAX_BUILD for n in re.findall(r"\d+", spec)):
            raise too_much("deze opmaak")


def number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def bits(value: object) -> int:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and number(right):
        if abs(right) > MAX_EXPONENT:
            raise TooMuchWork(f"machtsverheffen tot {right} is te veel werk")
        if bits(left) * abs(right) > MAX_BITS:
            raise TooMuchWork("deze machtsverheffing maakt een te groot getal")
    elif operator == "*":
        if bits(left) + bits(right) > MAX_BITS:
            raise TooMuchWork("deze vermenigvuldiging maakt een te groot getal")
        for sized, count in ((left, right), (right, left)):
            if isinstance(sized, str | bytes | list | tuple) and number(count):
                size = deep_size(sized) if isinstance(sized, list | tuple) else len(sized)
                if size * count > MAX_BUILD:
                    raise too_much("deze vermenigvuldiging")
    elif operator == "+":
        if bits(left) > MAX_BITS or bits(right) > MAX_BITS:
            raise TooMuchWork("deze optelling maakt een te groot getal")
        if isinstance(left, str | list | tuple) and deep_size(left) + deep_size(right) > MAX_BUILD:
            raise too_much("deze optelling")
    elif operator == "%" and isinstance(left, str):
        check_format(left)
        check_deep(right, "deze opmaak")


#: str methods and Jinja filters that pad or repeat: the argument that says how much.
_PADDING = {"center", "ljust", "rjust", "zfill"}
_FILTER_COUNTS = {"center", "indent", "wordwrap", "truncate", "batch", "slice"}


def check_method(function: Any, args: tuple[Any, ...]) -> None:
    """The str methods that can build much more than they are given."""
    owner = getattr(function, "__self__", None)
    wrapped = getattr(function, "__wrapped__", None)  # the sandbox's str.format
    template = getattr(wrapped, "__self__", None)
    if isinstance(template, str):
        check_format(template)
        for arg in args:
            check_deep(arg, "deze opmaak")
        return
    if not isinstance(owner, str):
        return
    name = getattr(function, "__name__", "")
    if name in _PADDING and args and number(args[0]) and args[0] > MAX_BUILD:
        raise too_much(f"{name}()")
    tabs = name == "expandtabs" and args and number(args[0])
    if tabs and args[0] * owner.count("\t") + len(owner) > MAX_BUILD:
        raise too_much("expandtabs()")
    if name == "replace" and len(args) >= 2:
        check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
    if name == "join" and args:
        check_join(args[0])


def check_replace(text: object, old: object, new: object, count: object = -1) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * max(0, len(new) - len(old)) > MAX_BUILD:
        raise too_much("deze vervanging")


def check_join(items: object) -> None:
    sized = isinstance(items, list | tuple | set | frozenset | Mapping | str)
    if sized and deep_size(items) > MAX_BUILD:
        raise too_much("deze samenvoeging")


def check_filter(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    given = [a for a in args if not isinstance(a, Context | EvalContext | Environment)]
    values = [*given, *kwargs.values()]
    if name in _FILTER_COUNTS and any(number(v) and abs(v) > MAX_BUILD for v in values):
        raise too_much(f"het filter {name}")
    value = given[0] if given else None
    check_deep(value, f"het filter {name}")
    if name == "indent" and isinstance(value, str):
        width = given[1] if len(given) > 1 else kwargs.get("width", 4)
        size = len(width) if isinstance(width, str) else width if number(width) else 4
        if len(value) + (value.count("\n") + 1) * int(size) > MAX_BUILD:
            raise too_much("het filter indent")
    elif name == "replace" and len(given) >= 3:
        count = given[3] if len(given) > 3 else kwargs.get("count")
        check_replace(given[0], given[1], given[2], -1 if count is None else count)
    elif name == "format":
        check_format(value)
        for arg in values[1:]:
            check_deep(arg, "het filter format")
    elif name == "join":
        check_join(value)
