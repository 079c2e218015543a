"""What a played session leaves behind: the disclaimer marked as heard, and one log line.

The disclaimer counts as heard only once the sound reached its end (until then it is said again
next time), and a session stopped before anything was done is not worth a line in the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    """Whether the sound got past the end of the spoken disclaimer (said sentence by sentence:
    past the end of its last sentence)."""
    last = disclaimer.split()[-1] if disclaimer.split() else ""
    ends = [
        e.end
        for e in timeline.events
        if e.text and e.kind == "speech" and e.text in disclaimer and e.text.endswith(last)
    ]
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
