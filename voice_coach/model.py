"""The shared vocabulary of voice-coach: plain frozen records, no I/O.

Everything downstream (plan, render, export, playback) speaks in these types, so they hold
exact integers where timing matters: a duration in the timeline is a sample count, never a float.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

SidesMode = Literal["none", "alternate", "each", "painful"]
"""How an exercise uses the body's two sides.

none: both sides at once (pelvic tilts). alternate: the reps alternate left and right within one
set (lumbar roll). each: the whole set on one side, a switch cue, then the other side.
painful: only the painful side, whose name the coach speaks when the user gave `--side`.
"""
SIDES_MODES: tuple[SidesMode, ...] = ("none", "alternate", "each", "painful")

CautionWhen = Literal["start", "during", "release", "end"]
"""start: before the set; during: inside the hold (or before the reps); release: as a hold ends,
before "And relax." (a helper letting go); end: after the set."""
CAUTION_WHENS: tuple[CautionWhen, ...] = ("start", "during", "release", "end")

EventKind = Literal["speech", "tone", "silence"]

Role = Literal[
    "intro",
    "announce",
    "instruction",
    "caution",
    "get-ready",
    "rep",
    "phase",
    "movement",
    "hold",
    "hold-start",
    "hold-end",
    "countdown",
    "switch-side",
    "rest",
    "next-up",
    "gap",
    "outro",
]
"""What an event is for; `plan --json` prints it, the screen and the controller read it."""

Tone = Literal["get-ready", "hold-start", "hold-end"]

Difficulty = Literal["easier", "normal", "harder"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easier", "normal", "harder")

AUTO = "auto"
ENGINE_NAMES: tuple[str, ...] = (AUTO, "piper", "pyttsx3")
"""The speech engines a person can choose (auto: Piper's natural voice when installed, else
espeak-ng through pyttsx3); the speech stage builds them, the settings store checks the name."""

DEFAULT_WAKE_WORD = "coach"
"""The word that starts a spoken command ("coach, pause")."""

ExerciseKind = Literal["exercise", "check"]
EXERCISE_KINDS: tuple[ExerciseKind, ...] = ("exercise", "check")

CueLength = Callable[[str], int]
"""Length in samples of a spoken cue, as the renderer will play it."""


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
"""`{side}` and `{other}` in content text, filled with the real side when it is spoken."""
SIDE_PLACEHOLDERS = frozenset({"side", "other"})


def other_side(side: Side) -> Side:
    return "right" if side == "left" else "left"


@dataclass(frozen=True)
class Span:
    """Where a piece of content came from, so every later error can point at the file and line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Phase:
    """One part of a repetition, with the short cue that starts it (e.g. "Breathe in.")."""

    say: str
    seconds: float


@dataclass(frozen=True)
class RepRange:
    """A repetition count as the programme gives it: exact (20) or a range (20-30)."""

    low: int
    high: int

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def __str__(self) -> str:
        return f"{self.low}-{self.high}" if self.is_range else str(self.low)


@dataclass(frozen=True)
class Dosage:
    """How much of an exercise to do, exactly as the programme prescribes it.

    Exactly one of `reps` or `duration_s` is set for timed work (a release done for two minutes);
    a pure hold has neither and a `hold_s`; reps may carry a `hold_s` (20 holds of 5 seconds).
    """

    reps: RepRange | None = None
    hold_s: int | None = None
    duration_s: int | None = None
    tempo_s: float | None = None
    phases: tuple[Phase, ...] = ()
    rep_label: str | None = None
    """Spoken before the count, e.g. "Cycle" gives "Cycle one."; none gives "One."."""

    def describe(self) -> str:
        """The dosage in the words a person would read on the page."""
        if self.duration_s is not None:
            return f"continue for {_duration_words(self.duration_s)}"
        if self.reps is None:
            return f"hold for {_duration_words(self.hold_s or 0)}"
        unit = (self.rep_label or "repetition").lower()
        text = f"{self.reps} {unit}{'s' if self.reps.high != 1 else ''}"
        if self.hold_s is not None:
            text += f", each held for {_duration_words(self.hold_s)}"
        return text


def _duration_words(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} seconds"


@dataclass(frozen=True)
class Caution:
    text: str
    when: CautionWhen = "start"
    reminder: str | None = None
    """Said instead of `text` when the same caution was already said in full this session."""
    unless_left_out: str | None = None
    """An exercise this caution points to ("strengthening may help you more"): not said when
    the log left that exercise out today because it made the leg worse."""


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    source: str
    """Where in the programme it comes from (e.g. "Step 5, disc bulge, exercise b")."""
    position: str
    setup: tuple[str, ...]
    steps: tuple[str, ...]
    dosage: Dosage
    sides: SidesMode = "none"
    equipment: tuple[str, ...] = ()
    needs_helper: bool = False
    cautions: tuple[Caution, ...] = ()
    notes: tuple[str, ...] = ()
    kind: ExerciseKind = "exercise"
    """"exercise", or "check" for a guided test (the straight-leg raise) that is no exercise."""
    brief: tuple[str, ...] = ()
    """What the short coach says instead of the setup and steps once the exercise is familiar:
    the same starting position, sides and qualifiers in fewer words. None: always in full."""
    switch: tuple[str, ...] = ()
    """Said after "Switch sides" for an exercise done on each side (the helper moving over)."""
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    purpose: str
    exercises: tuple[str, ...]
    intro: tuple[str, ...] = ()
    outro: tuple[str, ...] = ()
    rest_s: int | None = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class GuideTopic:
    """The programme's advice that is not an exercise (avoid aggravating activities, ...)."""

    id: str
    title: str
    source: str
    paragraphs: tuple[str, ...]
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Programme:
    """Words that belong to the whole programme rather than to one exercise."""

    title: str
    disclaimer: str
    safety: tuple[str, ...]
    session_intro: tuple[str, ...]
    session_outro: tuple[str, ...]
    short_disclaimer: str = ""
    """Said in the intro when the session does not open with the full disclaimer."""
    warning_signs: str = ""
    """Urgent warning signs, said in "Before you start" with the full disclaimer."""
    aggravating: str = ""
    """The activities that aggravate the leg, named once in every session."""
    seek_help: str = ""
    """The programme's two-week rule, said last in every session."""


@dataclass(frozen=True)
class Library:
    """Everything loaded from content: the built-in folder, then the user's folder over it."""

    programme: Programme
    exercises: dict[str, Exercise]
    playlists: dict[str, Playlist]
    guide: dict[str, GuideTopic]
    pronunciations: dict[str, str] = field(default_factory=dict)
    """Written form -> what the speech engine is given instead (see speech_text)."""
    unavailable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A saved playlist (my-plan) -> the exercises it names that this content does not have
    (from a --content-dir used that day): left out of it, and said so."""

    def only_exercises(self) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.kind == "exercise"]

    def playlists_with(self, exercise_id: str) -> list[str]:
        return [p.id for p in self.playlists.values() if exercise_id in p.exercises]


@dataclass(frozen=True)
class Settings:
    """What the user chose for one session; every timing is in seconds here, samples in the plan."""

    side: Side | None = None
    reps: int | None = None
    hold_s: int | None = None
    rest_s: int = 15
    lead_in_s: int = 3
    disclaimer: bool = False
    """Speak the programme's full disclaimer in the intro (on first use)."""
    difficulty: Difficulty = "normal"
    """easier: fewer reps, shorter holds; normal: the programme's dosage (low end of a range);
    harder: the top of a range. Never more than the programme prescribes."""
    see_professional: bool = False
    """The log shows two weeks without improvement: the intro says to see a professional."""
    familiar: frozenset[str] = frozenset()
    """Exercises done often enough (from the log) that their brief replaces the setup and
    steps; the cautions and the dosage are always said."""
    full: bool = False
    """Say every setup and step even for familiar exercises (`--full`)."""
    left_out: tuple[str, ...] = ()
    """Exercises left out of this session because the log shows they made the leg worse last
    time; the intro says which, and why."""
    pain_rising: bool = False
    """The log shows the leg pain rising session after session: the intro says to see a
    professional now."""


@dataclass(frozen=True)
class Event:
    """One contiguous piece of the session's sound, at an exact sample offset."""

    start: int
    length: int
    kind: EventKind
    role: Role
    exercise: str | None = None
    text: str | None = None
    tone: Tone | None = None

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Chapter:
    exercise: str | None
    """None for the chapter that is no exercise ("Before you start")."""
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Timeline:
    """The whole session, event after event, with the answers every consumer needs precomputed.

    The screen, the controller and the exporters all ask "what is at this sample?"; the starts
    are bisected once here rather than rescanned on every tick.
    """

    target: tuple[str, ...]
    sample_rate: int
    events: tuple[Event, ...]
    chapters: tuple[Chapter, ...]
    left_out: tuple[str, ...] = ()
    """Exercises of the target that this session leaves out (see Settings.left_out)."""
    pain_rising: bool = False
    _starts: list[int] = field(init=False, repr=False, compare=False)
    _chapter_starts: list[int] = field(init=False, repr=False, compare=False)
    _hold_ends: list[int] = field(init=False, repr=False, compare=False)
    _in_hold: list[bool] = field(init=False, repr=False, compare=False)
    _last_speech: list[int] = field(init=False, repr=False, compare=False)
    _by_role: dict[tuple[Role, str | None], list[Event]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        starts = [e.start for e in self.events]
        hold_ends = [e.start for e in self.events if e.kind == "tone" and e.role == "hold-end"]
        in_hold, holding = [], False
        last_speech, latest = [], -1
        by_role: dict[tuple[Role, str | None], list[Event]] = {}
        for index, event in enumerate(self.events):
            by_role.setdefault((event.role, None), []).append(event)
            if event.exercise is not None:
                by_role.setdefault((event.role, event.exercise), []).append(event)
            if event.kind == "tone":
                holding = event.role == "hold-start"
            in_hold.append(holding and event.kind != "tone")
            if event.kind == "speech":
                latest = index
            last_speech.append(latest)
        set_ = object.__setattr__
        set_(self, "_starts", starts)
        set_(self, "_chapter_starts", [c.start for c in self.chapters])
        set_(self, "_hold_ends", hold_ends)
        set_(self, "_in_hold", in_hold)
        set_(self, "_last_speech", last_speech)
        set_(self, "_by_role", by_role)

    @property
    def length(self) -> int:
        return self.events[-1].end if self.events else 0

    def event_index(self, position: int) -> int:
        """The index of the event playing at sample `position`."""
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def event_at(self, position: int) -> Event:
        return self.events[self.event_index(position)]

    def chapter_index(self, position: int) -> int:
        """The exercise playing at `position` (the intro counts as part of the first)."""
        return max(0, bisect.bisect_right(self._chapter_starts, position) - 1)

    def chapter_at(self, position: int) -> Chapter:
        return self.chapters[self.chapter_index(position)]

    def last_speech(self, position: int) -> Event | None:
        """The cue being said at `position`, or the last one said before it."""
        index = self._last_speech[self.event_index(position)] if self.events else -1
        return self.events[index] if index >= 0 else None

    def in_hold(self, position: int) -> bool:
        """Between a hold-start tone and its hold-end tone (cautions said inside count)."""
        return bool(self.events) and self._in_hold[self.event_index(position)]

    def hold_end_after(self, position: int) -> int | None:
        """Where the hold around `position` ends (its closing tone), if one is ahead."""
        index = bisect.bisect_right(self._hold_ends, position)
        return self._hold_ends[index] if index < len(self._hold_ends) else None

    def events_of(self, role: Role, exercise: str | None = None) -> list[Event]:
        """Every event with this role, optionally only those of one exercise (precomputed)."""
        return list(self._by_role.get((role, exercise), ()))
