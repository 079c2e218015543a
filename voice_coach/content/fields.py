"""Typed readers for one key of a content item, each failing with one ContentError at its line.

Kept apart from the section builders so every key of every section is read, ranged and named the
same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from voice_coach.content.source import YList, YMap
from voice_coach.errors import ContentError, clipped
from voice_coach.names import did_you_mean

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

T = TypeVar("T")


def check_keys(item: YMap, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    for key in item:
        if key not in allowed:
            raise ContentError(
                f"unknown key '{key}' in {what}",
                where=item.where(key),
                hint=did_you_mean(key, allowed) or "allowed keys: " + ", ".join(allowed),
            )


def require(item: YMap, key: str, what: str) -> Any:
    if key not in item or item[key] is None:
        raise ContentError(f"{what} is missing the required key '{key}'", where=item.where())
    return item[key]


def text_of(item: YMap, key: str, what: str, *, required: bool = True) -> str:
    value = require(item, key, what) if required else item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ContentError(
            f"'{key}' of {what} must be non-empty text, not {shown(value)}",
            where=item.where(key),
        )
    return " ".join(value.split())


def texts_of(item: YMap, key: str, what: str, *, required: bool = False) -> tuple[str, ...]:
    value = require(item, key, what) if required else item.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value_list: list[Any] = [value]
        lines = [item.key_lines.get(key, item.line)]
    elif isinstance(value, YList):
        value_list, lines = list(value), value.item_lines
    else:
        raise ContentError(
            f"'{key}' of {what} must be a list of sentences, not {shown(value)}",
            where=item.where(key),
        )
    result = []
    for entry, line in zip(value_list, lines, strict=True):
        if not isinstance(entry, str) or not entry.strip():
            raise ContentError(
                f"each entry of '{key}' in {what} must be non-empty text, not {shown(entry)}",
                where=f"{item.path}:{line}",
            )
        result.append(" ".join(entry.split()))
    if required and not result:
        raise ContentError(f"'{key}' of {what} must not be empty", where=item.where(key))
    return tuple(result)


def number_of(
    item: YMap, key: str, what: str, low: float, high: float, *, integer: bool
) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    kind = "a whole number" if integer else "a number"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        raise ContentError(
            f"'{key}' of {what} must be {kind}, not {shown(value)}", where=item.where(key)
        )
    if not low <= value <= high:
        raise ContentError(
            f"'{key}' of {what} is {value}, outside the allowed {low:g} to {high:g}",
            where=item.where(key),
        )
    return float(value)


def integer_of(item: YMap, key: str, what: str, low: int, high: int) -> int | None:
    value = number_of(item, key, what, low, high, integer=True)
    return None if value is None else int(value)


def choice_of(item: YMap, key: str, what: str, choices: tuple[T, ...], default: T) -> T:
    value = item.get(key, default)
    if value not in choices:
        raise ContentError(
            f"'{key}' of {what} is {shown(value)}; it must be one of "
            + ", ".join(str(c) for c in choices),
            where=item.where(key),
            hint=did_you_mean(str(value), [str(c) for c in choices]),
        )
    chosen: T = value
    return chosen


def map_of(item: YMap, key: str) -> YMap:
    value = item[key]
    if not isinstance(value, YMap):
        raise ContentError(f"'{key}' must be a mapping of keys", where=item.where(key))
    return value


def ident_of(item: YMap, what: str) -> str:
    value = require(item, "id", what)
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ContentError(
            f"id {shown(value)} is not valid",
            where=item.where("id"),
            hint="use lower-case letters, digits and single hyphens, e.g. 'pelvic-tilts'",
        )
    return value


def shown(value: Any) -> str:
    if isinstance(value, str):
        return f"'{clipped(value)}'"
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "empty"
    return repr(value)
