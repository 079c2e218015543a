"""`log add` and `log edit`: what the person typed, read into the log's values, every error
naming the option or argument it came from.

The store (journal.log) and the value readers (journal.values) name no option, since play's
questions use them too; this is the one place that knows which option carried which value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from voice_coach.errors import UserError, inert
from voice_coach.journal import log, record
from voice_coach.journal.values import Refused, parse_day, parse_effect

OPTION_FOR = {
    "pain before": "--pain-before",
    "pain after": "--pain-after",
    "effect": "--effect",
    "session id": "ID",
}
"""The store's word for a value, and the option or argument the person typed it as."""

IDS_HINT = "see the ids with `voice-coach log list`"


@contextmanager
def as_typed() -> Iterator[None]:
    """The store's refusals said with what the person typed, not with the store's own words."""
    try:
        yield
    except Refused as exc:
        where = OPTION_FOR.get(exc.where or "", exc.where)
        hint = exc.hint or (IDS_HINT if where == "ID" else None)
        raise UserError(exc.message, where=where, hint=hint) from None


def manual_entry(
    ids: Sequence[str],
    target: str,
    day: str | None,
    pain_before: int | None,
    pain_after: int | None,
    effects: Sequence[str],
) -> log.Entry:
    """A session done away from the computer (with the exported audio), from `log add`'s
    text: every exercise of it counts as done, and every value is checked first."""
    return log.Entry(
        day=parse_day(day, "--date") if day is not None else dt.date.today(),
        target=target,
        completed=tuple(ids),
        pain_before=pain_before,
        pain_after=pain_after,
        effects=_effects(effects, ids),
    )


def _effects(given: Sequence[str], ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in given:
        exercise, effect = parse_effect(text, ids, "--effect")
        if exercise in found:
            raise UserError(
                f"'{exercise}' is rated twice ({found[exercise]} and {effect})",
                where="--effect",
                hint="give one --effect per exercise",
            )
        found[exercise] = effect
    return found


def find(ident: int) -> log.Entry | log.BadRow:
    """The session with this id, or the row that does not read as one (so it can be mended)."""
    found = record.contents(repair=True).contents.find(ident)
    if found is None:
        raise UserError(f"no logged session has id {ident}", where="ID", hint=IDS_HINT)
    return found


def named(found: log.Entry | log.BadRow) -> str:
    """How `log rm` names what it removes."""
    if isinstance(found, log.BadRow):
        return f"session {found.id} (cannot be read: {inert(found.problem)})"
    return f"session {found.id} ({found.day.isoformat()}, {inert(found.target)})"


def edit(
    ident: int,
    day: str | None,
    pain_before: int | None,
    pain_after: int | None,
    effects: Sequence[str],
) -> log.Entry | log.BadRow:
    """Correct one logged session from `log edit`'s text; every value is checked first. A row
    that does not read as a session can have its date and pain corrected (its exercises are
    not known, so no effect can be rated: said as such, not as an unknown exercise); what it is
    after, session or still not, is returned."""
    entry = find(ident)
    if isinstance(entry, log.BadRow) and effects:
        raise UserError(
            f"session {ident} cannot be read ({entry.problem}), so none of its exercises can "
            "be rated",
            where="--effect",
            hint=f"only its date and pain can be corrected here; or remove it: log rm {ident}",
        )
    new_day = parse_day(day, "--date") if day is not None else None
    rated = _effects(effects, entry.completed if isinstance(entry, log.Entry) else ())
    with as_typed():
        return log.correct(
            ident, day=new_day, pain_before=pain_before, pain_after=pain_after, effects=rated
        )
