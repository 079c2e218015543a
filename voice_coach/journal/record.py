"""What a played session leaves behind: the disclaimer marked as heard, and one log line.

The disclaimer counts as heard only once the sound reached its end (until then it is said again
next time), and a session stopped before anything was done is not worth a line in the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from voice_coach.errors import UserError
from voice_coach.journal import home, log
from voice_coach.model import Timeline


@dataclass(frozen=True)
class Played:
    """How a session went, as the player and the person reported it."""

    completed: tuple[str, ...]
    skipped: tuple[str, ...]
    heard_samples: int
    pain_before: int | None = None
    pain_after: int | None = None
    effects: Mapping[str, str] = field(default_factory=dict)


def disclaimer_heard(timeline: Timeline, disclaimer: str, heard_samples: int) -> bool:
    """Whether the sound got past the end of the spoken disclaimer."""
    ends = [e.end for e in timeline.events if e.text == disclaimer]
    return bool(ends) and heard_samples >= ends[0]


def remember_disclaimer(timeline: Timeline, disclaimer: str, heard_samples: int) -> None:
    if disclaimer_heard(timeline, disclaimer, heard_samples):
        home.remember(home.DISCLAIMER_MARK)


def entry_for(timeline: Timeline, played: Played, day: dt.date | None = None) -> log.Entry:
    return log.Entry(
        day=day or dt.date.today(),
        target=" ".join(timeline.target),
        completed=played.completed,
        skipped=played.skipped,
        duration_s=played.heard_samples / timeline.sample_rate,
        pain_before=played.pain_before,
        pain_after=played.pain_after,
        effects=dict(played.effects),
        source="play",
    )


def worth_logging(entry: log.Entry) -> bool:
    return bool(entry.completed) or entry.pain_before is not None or entry.pain_after is not None


def record(timeline: Timeline, played: Played) -> log.Entry | None:
    """Log the session if anything was done or rated; the entry, or None when it was not."""
    entry = entry_for(timeline, played)
    if not worth_logging(entry):
        return None
    log.add(entry)
    return entry


def logged() -> list[log.Entry]:
    """Every logged session (none when there is no log yet)."""
    return log.sessions() if log.log_path().exists() else []


def history() -> list[log.Entry]:
    """The log for what only adjusts a session (advice, shorter repeats): a log that cannot be
    read counts as empty here, and is left as it is for the commands that need it."""
    if not log.log_path().exists():
        return []
    try:
        return log.sessions(repair=False)
    except UserError:
        return []


def manual_entry(
    ids: Sequence[str],
    target: str,
    day: str | None,
    pain_before: str | None,
    pain_after: str | None,
    effects: Sequence[str],
) -> log.Entry:
    """A session done away from the computer (with the exported audio), from `log add`'s
    text: every exercise of it counts as done, and every value is checked first."""
    return log.Entry(
        day=log.parse_day(day) if day is not None else dt.date.today(),
        target=target,
        completed=tuple(ids),
        pain_before=log.parse_pain(pain_before, "--pain-before")
        if pain_before is not None
        else None,
        pain_after=log.parse_pain(pain_after, "--pain-after") if pain_after is not None else None,
        effects=_effects(effects, ids),
    )


def _effects(given: Sequence[str], ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in given:
        exercise, effect = log.parse_effect(text, ids)
        if exercise in found:
            raise UserError(
                f"'{exercise}' is rated twice ({found[exercise]} and {effect})",
                where="--effect",
                hint="give one --effect per exercise",
            )
        found[exercise] = effect
    return found


def find(ident: int) -> log.Entry:
    for entry in logged():
        if entry.id == ident:
            return entry
    raise UserError(
        f"no logged session has id {ident}",
        where="ID",
        hint="see the ids with `voice-coach log list`",
    )


def edit(
    ident: int,
    day: str | None,
    pain_before: str | None,
    pain_after: str | None,
    effects: Sequence[str],
) -> log.Entry:
    """Correct one logged session from `log edit`'s text; every value is checked first."""
    entry = find(ident)
    return log.correct(
        ident,
        day=log.parse_day(day) if day is not None else None,
        pain_before=log.parse_pain(pain_before, "--pain-before")
        if pain_before is not None
        else None,
        pain_after=log.parse_pain(pain_after, "--pain-after") if pain_after is not None else None,
        effects=_effects(effects, entry.completed),
    )
