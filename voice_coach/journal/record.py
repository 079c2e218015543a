"""What a played session leaves behind: the disclaimer marked as heard, and one log line.

The disclaimer counts as heard only once the sound reached its end (until then it is said again
next time), and a session stopped before anything was done is not worth a line in the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
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
    """Mark the disclaimer heard. A folder that cannot take the mark (full, read-only) only
    means it is said again next time: the safe way round, and no reason to stop before the
    session is logged (where such a folder is said properly)."""
    if disclaimer_heard(timeline, disclaimer, heard_samples):
        with contextlib.suppress(OSError):
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


def record(timeline: Timeline, played: Played, note: Callable[[str], None]) -> log.Entry | None:
    """Log the session if anything was done or rated; the entry, or None when it was not.

    A log that was moved aside (or was busy) is said with `note`, and one more try starts a new
    one. A log that cannot be written is left as it is, and the error says how to log this
    session once that is fixed, since the person has just done it."""
    entry = entry_for(timeline, played)
    if not worth_logging(entry):
        return None
    try:
        try:
            log.add(entry)
        except log.BrokenLog as exc:
            note(f"voice-coach: note: {exc}")
            log.add(entry)
    except log.LogNotWritable as exc:
        raise UserError(
            f"{exc.message}: this session was not logged",
            where=exc.where,
            hint=f"{exc.hint}; then log it with: {add_later(entry)}",
        ) from None
    return entry


def add_later(entry: log.Entry) -> str:
    """The `log add` that logs `entry` by hand: its day, exercises and ratings."""
    done = entry.completed or (entry.target,)
    words = ["voice-coach", "log", "add", *done, "--date", entry.day.isoformat()]
    for option, pain in (("--pain-before", entry.pain_before), ("--pain-after", entry.pain_after)):
        if pain is not None:
            words += [option, str(pain)]
    for exercise, effect in entry.effects.items():
        words += ["--effect", f"{exercise}={effect}"]
    return " ".join(words)


@dataclass(frozen=True)
class Found:
    """What was read of the log, and the one line to say when the log itself could not be
    read (None when it was, or when there is none yet)."""

    contents: log.Contents
    note: str | None = None

    @property
    def entries(self) -> list[log.Entry]:
        return self.contents.entries


NOTHING = log.Contents([], [])


def contents(*, repair: bool = False) -> Found:
    """Everything logged, the rows that do not read as sessions apart (nothing without a log,
    and none is made). A file that is not a log is left where it is and read as no sessions,
    with a note, unless `repair` (a command about to write, which moves it aside); a log that
    cannot be opened now (permissions, busy) is the error it is: its sessions are there."""
    if repair:
        return Found(log.read(repair=True))
    try:
        return Found(log.read(repair=False))
    except log.UnreadableLog as exc:
        return Found(NOTHING, str(exc))


def logged() -> list[log.Entry]:
    """Every logged session that reads as one (none when there is no log yet, or when it
    cannot be read: the session's note has said so)."""
    return history().entries


def history() -> Found:
    """The log for what only adjusts a session (advice, exercises left out, shorter repeats):
    a bad log never stops a session, so a log that cannot be read counts as empty here, is
    left as it is, and the note says what that means for today's session."""
    try:
        return Found(log.read(repair=False))
    except UserError as exc:
        where = f"{exc.where}: " if exc.where else ""
        hint = f" ({exc.hint})" if exc.hint else ""
        return Found(
            NOTHING,
            f"{where}{exc.message}, so this session is planned without your log: no exercise is "
            f"left out for an earlier rating of worse, and your pain trend is not checked{hint}",
        )


def unreadable_note(bad: Sequence[log.BadRow]) -> str | None:
    """The one line that says some logged sessions were left out, and where to mend them; None
    when every row read as a session."""
    if not bad:
        return None
    if len(bad) == 1:
        what, more = "a logged session cannot be read and is", ""
    else:
        what, more = f"{len(bad)} logged sessions cannot be read and are", ", and more"
    first = bad[0]
    return (
        f"{what} left out (session {first.id}: {first.problem}{more}); `voice-coach log list` "
        "shows what is wrong, to correct with `log edit` or remove with `log rm`"
    )
