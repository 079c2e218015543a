"""A log entry's values and what they may be: pain from 0 to 10, a day not in the future, an
effect of better, same or worse, read from what a person typed.

Shared by the store (which checks what it is given), `log add` and `log edit` (which read
options) and play's pain question. So no reader names an option: each error says what is wrong,
and `where` is given by the caller, who knows how the person gave the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from voice_coach.errors import UserError

EFFECTS = ("better", "same", "worse")
EARLIEST = dt.date(1900, 1, 1)
"""No session is older: a day before it is a typing mistake (0001-01-01, say)."""


def typed_digits(text: str) -> str:
    """`text` if it is a number as a keyboard types it (ValueError if not): Python's int() and
    float() also take other scripts' digits ("٣") and digit groups ("1_0"), which no one means
    as a pain, a setting or an option."""
    if not text.isascii() or "_" in text:
        raise ValueError(text)
    return text


class Refused(UserError):
    """A value the log does not take. `where` names it as the caller knows it: the store uses
    its own words ("pain before", "effect", "session id"), the command line its options."""


def check_pain(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise Refused(
            f"pain must be a whole number from 0 (none) to 10 (worst), not {value!r}", where=where
        )
    return value


def parse_pain(text: str, where: str) -> int:
    try:
        value = int(typed_digits(text))
    except ValueError:
        raise Refused(
            f"pain must be a whole number from 0 (none) to 10 (worst), not '{text}'", where=where
        ) from None
    result = check_pain(value, where)
    assert result is not None
    return result


def parse_day(text: str, where: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(f"'{text}' is not a date", where=where, hint="use YYYY-MM-DD") from None
    if day > dt.date.today():
        raise Refused(f"{text} is in the future", where=where)
    if day < EARLIEST:
        raise Refused(
            f"{text} is too long ago", where=where, hint=f"a session is dated {EARLIEST} or later"
        )
    return day


def parse_effect(text: str, allowed: Sequence[str], where: str) -> tuple[str, str]:
    """EXERCISE=better|same|worse, for one of the `allowed` exercises."""
    from voice_coach.names import did_you_mean

    exercise, sep, effect = text.partition("=")
    if not sep or effect not in EFFECTS:
        raise Refused(
            f"'{text}' is not EXERCISE=better|same|worse",
            where=where,
            hint="e.g. clam-shell=better",
        )
    if exercise not in allowed:
        raise Refused(
            f"'{exercise}' is not an exercise of this session",
            where=where,
            hint=did_you_mean(exercise, allowed)
            or ("exercises: " + ", ".join(allowed) if allowed else "it has none to rate"),
        )
    return exercise, effect
