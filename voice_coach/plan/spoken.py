"""The coach's words: numbers as a person says them, side names filled in, time left phrased.

Speech engines read "20" and "20-30" unevenly, so everything the plan speaks is written out here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voice_coach.model import PLACEHOLDER, Library, Side, other_side

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

UNNAMED_SIDE = "painful-side"
UNNAMED_OTHER = "opposite"
"""Without --side the coach cannot name a side, so the sentences read "your painful-side hip"."""


def number_words(n: int) -> str:
    """English words for 0 to 9999 ("one hundred and twenty")."""
    if not 0 <= n <= 9999:
        raise ValueError(f"number out of range for speech: {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_ONES[hundreds]} hundred"
        return head + (f" and {number_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{number_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_words(rest)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill_sides(text: str, side: Side | None) -> str:
    """Replace {side}/{other} with the real side names, or neutral words when none is known."""
    words = {
        "side": side or UNNAMED_SIDE,
        "other": other_side(side) if side else UNNAMED_OTHER,
    }
    return PLACEHOLDER.sub(lambda m: words[m.group(1)], text)


def seconds_phrase(seconds: int) -> str:
    """ "thirty seconds", "two minutes", "one minute and thirty seconds"."""
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{number_words(minutes)} minute{'s' if minutes != 1 else ''}")
    if rest or not minutes:
        parts.append(f"{number_words(rest)} second{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def time_left(seconds: int) -> str:
    return capital(f"{seconds_phrase(seconds)} left.")


def _about(seconds: int) -> str:
    """Whole minutes from a minute on, else tens of seconds: "about" is said, so round."""
    if seconds >= 60:
        minutes = (seconds + 30) // 60  # half up: 2:30 is "about three minutes"
        return f"{number_words(minutes)} minute{'s' if minutes != 1 else ''}"
    tens = max(10, (seconds + 5) // 10 * 10)
    return f"{number_words(tens)} seconds"


def remaining(exercise_s: int | None, session_s: int) -> str:
    """The answer to "how long": the exercise's time left (if in one), then the session's."""
    if exercise_s is None:
        return capital(f"about {_about(session_s)} left in the session.")
    return capital(
        f"about {_about(exercise_s)} left in this exercise, and {_about(session_s)} in the session."
    )


def rep_cue(n: int, label: str | None, side: Side | None) -> str:
    """The count spoken at the start of a repetition: "Three.", "Cycle two.", "Four, right."."""
    count = number_words(n)
    text = f"{label} {count}" if label else count
    if side:
        text += f", {side}"
    return capital(text) + "."


def join_names(items: list[str]) -> str:
    """ "a chair", "a chair and a strap", "a chair, a ball and a strap"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def clock(samples: int, rate: int, *, precise: bool = True) -> str:
    """m:ss.ss (right-aligned) for plans and summaries; m:ss for the live screen."""
    if not precise:
        minutes, seconds = divmod(samples // rate, 60)
        return f"{minutes}:{seconds:02d}"
    minutes_, rest = divmod(samples / rate, 60)
    return f"{int(minutes_):2d}:{rest:05.2f}"


def notices(left_out: Sequence[str], pain_rising: bool, library: Library) -> list[str]:
    """What the log changed in this session, for the terminal (the coach says it too)."""
    lines = []
    if pain_rising:
        lines.append(
            "Your leg pain has risen over your last three sessions: see a healthcare "
            "professional now, rather than after two weeks."
        )
    for exercise in left_out:
        lines.append(
            f"Left out today: {library.exercises[exercise].name}, which made your leg worse "
            "last time (--full plays it)."
        )
    return lines


def sentences(text: str) -> list[str]:
    """A paragraph as its sentences (each then a cue of its own)."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
