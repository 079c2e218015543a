"""What the logged sessions say, worked out from the entries alone: the pain trend, the streak,
the two-week rule, the exercises that made the leg worse, rising pain, and familiar exercises.

Kept apart from the store (journal.log) so that each rule is a pure function of a list of
entries: tested with entries made by hand, and never touching a file.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from voice_coach.journal.log import Entry

TWO_WEEKS = dt.timedelta(days=14)


def pain_series(entries: Sequence[Entry]) -> list[tuple[dt.date, float]]:
    """One pain value per session: after if known, else before."""
    series = []
    for entry in entries:
        value = entry.pain_after if entry.pain_after is not None else entry.pain_before
        if value is not None:
            series.append((entry.day, float(value)))
    return series


def time_to_see_a_professional(entries: Sequence[Entry]) -> bool:
    """The programme's step 8: two weeks or more of exercises without the leg pain improving.

    Improving means the pain of the last week's sessions is lower, on average, than that of the
    first week's; with no pain recorded there is nothing to judge.
    """
    series = pain_series(entries)
    if len(series) < 2 or series[-1][0] - series[0][0] < TWO_WEEKS:
        return False
    first_day, last_day = series[0][0], series[-1][0]
    start = [v for day, v in series if day - first_day < dt.timedelta(days=7)]
    end = [v for day, v in series if last_day - day < dt.timedelta(days=7)]
    return sum(end) / len(end) >= sum(start) / len(start)


def streak(entries: Sequence[Entry], today: dt.date | None = None) -> int:
    """Days in a row, ending today or yesterday, with at least one session."""
    days = {e.day for e in entries}
    day = today or dt.date.today()
    if day not in days:
        day -= dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def effects_by_exercise(entries: Sequence[Entry]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in entries:
        for exercise, effect in entry.effects.items():
            found.setdefault(exercise, []).append(effect)
    return found


def made_worse(entries: Sequence[Entry]) -> list[str]:
    """The exercises whose latest rating says they made the leg worse.

    The programme: stretching can make sciatica worse, and then "your condition may not be
    ready for it yet". Such an exercise stays left out until the person plays it on purpose
    (`--full`) and rates it again.
    """
    latest: dict[str, str] = {}
    for entry in entries:  # oldest first, so a later rating wins
        latest.update(entry.effects)
    return [exercise for exercise, effect in latest.items() if effect == "worse"]


RISING_OVER = 3
"""Sessions in a row whose pain rises before the intro says to see a professional now."""


def pain_rising(entries: Sequence[Entry]) -> bool:
    """The leg pain rising session after session: over the last RISING_OVER sessions that
    recorded it, the pain before each session, or the pain after each, went up every time."""
    for column in ("pain_before", "pain_after"):
        values = [v for v in (getattr(e, column) for e in entries) if v is not None]
        last = values[-RISING_OVER:]
        if len(last) == RISING_OVER and all(a < b for a, b in itertools.pairwise(last)):
            return True
    return False


FAMILIAR_AFTER = 3
"""Sessions in which an exercise was done before its setup and steps shrink to its brief."""


def familiar(entries: Sequence[Entry]) -> frozenset[str]:
    """The exercises done in at least FAMILIAR_AFTER logged sessions."""
    counts: dict[str, int] = {}
    for entry in entries:
        for exercise in set(entry.completed):
            counts[exercise] = counts.get(exercise, 0) + 1
    return frozenset(e for e, n in counts.items() if n >= FAMILIAR_AFTER)
