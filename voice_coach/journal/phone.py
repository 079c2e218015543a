"""A session sent from the phone's page (`share`'s form), logged as `log add` logs one: every
exercise of the routine counts as done, the values are checked by the same readers and the same
store, and the source is 'phone'. Two things more, because the sender is a browser: the date
must be within the last year (a phone's clock or a stored answer gone stale), and the session
is logged once per id the page gave it, so a send retried after a lost answer logs nothing.

Nothing here names an option or quotes what was sent: a refusal says which value is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from voice_coach.journal import log
from voice_coach.journal.values import EFFECTS, Refused, check_pain

SENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
"""The id the page makes for a session it sends (random letters and digits)."""
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AHEAD = dt.timedelta(days=1)
"""How far a phone's date may be ahead of the computer's: the page dates a session by the
phone's own calendar, which in a time zone east of the computer's is already tomorrow."""


def a_year_before(today: dt.date) -> dt.date:
    """The earliest day a sent session may carry (29 February gives 28 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def read_day(text: str, today: dt.date | None = None) -> dt.date:
    """YYYY-MM-DD, from a year before the computer's today to a day after it (the phone's)."""
    if not _DAY.fullmatch(text):
        raise Refused("the date is not YYYY-MM-DD", where="date")
    today = today or dt.date.today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(f"{text} is not a date", where="date") from None
    if day > today + AHEAD:
        raise Refused(f"{text} is in the future", where="date")
    if day < a_year_before(today):
        raise Refused(f"{text} is more than a year ago", where="date")
    return day


def entry(
    routine: str,
    exercises: Sequence[str],
    day: str,
    pain_before: int | None,
    pain_after: int | None,
    effects: Mapping[str, str],
    known: Collection[str] = (),
) -> log.Entry:
    """The log entry for a session of `routine` (whose exercises are `exercises` now), every
    value checked; Refused names the value that is wrong.

    A session kept on the phone may come from an older version of the routine (`my-plan`
    after `recommend` changed it): an exercise the content has (`known`) but the routine no
    longer does is taken, and then the exercises done are the ones rated, not today's."""
    check_pain(pain_before, "pain before")
    check_pain(pain_after, "pain after")
    for exercise, effect in effects.items():
        if exercise not in exercises and exercise not in known:
            raise Refused("an exercise that is not in this routine was rated", where="effects")
        if effect not in EFFECTS:
            raise Refused("an effect must be better, same or worse", where="effects")
    older = any(exercise not in exercises for exercise in effects)
    return log.Entry(
        day=read_day(day),
        target=routine,
        completed=tuple(dict.fromkeys(effects if older else exercises)),
        pain_before=pain_before,
        pain_after=pain_after,
        effects=dict(effects),
        source="phone",
    )


def log_once(sent: str, session: log.Entry, path: Path | None = None) -> tuple[int | None, bool]:
    """Log the session unless its id was logged before: the log's id for it (None if it was
    removed since) and whether it was logged now."""
    if not SENT_ID.fullmatch(sent):
        raise Refused("the id is not 8 to 64 letters, digits, - or _", where="id")
    return log.add_once(session, sent, path)
