"""Looking a name up among the valid ones, with a "did you mean" when it is a near miss."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TypeVar

from voice_coach.errors import UserError, clipped

T = TypeVar("T")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    if len(word) > 100:  # no name is this long: nothing is near it (and difflib would be slow)
        return None
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def lookup(items: Mapping[str, T], key: str, kind: str, where: str, otherwise: str) -> T:
    """items[key], or a user error naming the option, with "did you mean" or `otherwise`."""
    if key in items:
        return items[key]
    raise UserError(
        f"unknown {kind} '{clipped(key)}'", where=where, hint=did_you_mean(key, items) or otherwise
    )
