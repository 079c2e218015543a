"""A logged session as the commands use it, and each row of the log checked value by value
before it becomes one.

The log is a file the person may have edited by hand, restored from a backup or carried from
another program, so no value in it may stop a command: a day that is not a date or is
centuries away, text where a number belongs, a status or effect voice-coach never writes. A row
that does not read as a session is set apart as a BadRow with the reason, shown by `log list`
(to be corrected or removed by its id) and left out of everything that works on the sessions.
An exercise id this voice-coach does not know is not bad: it came from a --content-dir.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from voice_coach.content.fields import ID_PATTERN
from voice_coach.errors import CONTROL
from voice_coach.journal.values import EARLIEST, EFFECTS

SOURCES = ("play", "manual", "phone")
"""Where a session was logged from: `play`, `log add`, or the phone's page (`share`)."""
STATUSES = ("completed", "skipped")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Entry:
    """One logged session, as the store reads and writes it."""

    day: dt.date
    target: str
    completed: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    duration_s: float = 0.0
    pain_before: int | None = None
    pain_after: int | None = None
    effects: dict[str, str] = field(default_factory=dict)
    source: str = "manual"
    id: int | None = None
    """The log's own number for the session (None until it is logged)."""


@dataclass(frozen=True)
class BadRow:
    """A row of the log that does not read as a session: its id, and what is wrong with it."""

    id: int
    problem: str


class _Bad(Exception):
    """What is wrong with the row being read."""


def latest_day(today: dt.date | None = None) -> dt.date:
    """The last day a session may carry: tomorrow, for a clock or a time zone a little ahead."""
    return (today or dt.date.today()) + dt.timedelta(days=1)


def read_row(
    ident: int, values: Sequence[object], exercises: Sequence[Sequence[object]]
) -> Entry | BadRow:
    """The session of a `sessions` row (day, target, duration, pain before and after, source)
    and its `exercises` rows (exercise, status, effect), or what is wrong with them."""
    try:
        return _entry(ident, values, exercises)
    except _Bad as bad:
        return BadRow(ident, str(bad))


def _entry(ident: int, values: Sequence[object], exercises: Sequence[Sequence[object]]) -> Entry:
    day, target, duration, before, after, source = values
    completed: list[str] = []
    skipped: list[str] = []
    effects: dict[str, str] = {}
    for exercise, status, effect in exercises:
        name = _text(exercise, "an exercise id")
        if not ID_PATTERN.match(name):
            raise _Bad(f"the exercise id {_shown(name)} is not an id")
        if status not in STATUSES:
            raise _Bad(f"{name} has the status {_shown(status)}, not completed or skipped")
        (completed if status == "completed" else skipped).append(name)
        if effect is not None:
            if effect not in EFFECTS:
                raise _Bad(f"{name} has the effect {_shown(effect)}, not better, same or worse")
            if status != "completed":
                raise _Bad(
                    f"{name} was skipped, yet rated {_shown(effect)}: only a done exercise is rated"
                )
            effects[name] = str(effect)
    if source not in SOURCES:
        raise _Bad(f"the source {_shown(source)} is not play, manual or phone")
    return Entry(
        day=_day(day),
        target=_text(target, "the session's name"),
        completed=tuple(completed),
        skipped=tuple(skipped),
        duration_s=_duration(duration),
        pain_before=_pain(before, "pain before"),
        pain_after=_pain(after, "pain after"),
        effects=effects,
        source=str(source),
        id=ident,
    )


def _day(value: object) -> dt.date:
    text = _text(value, "the date")
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"the date {_shown(text)} is not a date (YYYY-MM-DD)") from None
    if day < EARLIEST:
        raise _Bad(f"the date {text} is before {EARLIEST.year}")
    if day > latest_day():
        raise _Bad(f"the date {text} is in the future")
    return day


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{what} is not text ({type(value).__name__})")
    if CONTROL.search(value):
        raise _Bad(f"{what} holds control characters")
    return value


def _duration(value: object) -> float:
    if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
        return float(value)
    raise _Bad(f"the duration {_shown(value)} is not a number of seconds")


def _shown(value: object) -> str:
    """A value as the reason quotes it: short, whatever the row holds."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _pain(value: object, what: str) -> int | None:
    if value is None or (type(value) is int and 0 <= value <= 10):
        return value
    raise _Bad(f"{what} {_shown(value)} is not a whole number from 0 to 10")
