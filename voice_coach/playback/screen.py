"""What the screen shows while a session plays: a live panel on a terminal, plain lines otherwise.

Both read the plan at the position the player reports, so the words on screen are the words being
spoken. The live panel has two views: the floor view (the count in big digits, the exercise and
what comes next, readable from a mat) and the detail view (steps, the cue, the keys); `v` switches.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from voice_coach.errors import inert_lines
from voice_coach.model import Event, Library, Timeline
from voice_coach.plan import spoken
from voice_coach.playback.bigdigits import ROWS, big, width_of
from voice_coach.playback.controller import Moment

KEYS_HELP = (
    "space pause/resume",
    "n next",
    "p previous",
    "r repeat",
    "t time left",
    "v view",
    "q quit",
)
FLOOR_MIN_WIDTH = 40
FLOOR_MIN_HEIGHT = 16
"""Smaller than this, the big digits would push the rest off the screen: the detail view."""


@dataclass(frozen=True)
class Count:
    """The number a person follows: seconds left in a hold, or the repetition being done."""

    value: int
    of: int | None
    hold: bool

    def __str__(self) -> str:
        if self.hold:
            return f"Hold: {self.value} s left"
        return f"Rep {self.value}" + (f" of {self.of}" if self.of is not None else "")


def count_at(timeline: Timeline, position: int, complete: bool = True) -> Count | None:
    """Inside a hold its seconds left; during a set the repetition; else None.

    While the plan still grows, a set's last repetitions may not be planned yet: its total is
    left out rather than shown wrong."""
    if not timeline.events:
        return None
    event = timeline.event_at(position)
    if event.role in ("hold", "countdown") or (
        event.role == "caution" and timeline.in_hold(position)
    ):
        end = timeline.hold_end_after(position)
        if end is not None:
            return Count(-(-(end - position) // timeline.sample_rate), None, True)
    index = timeline.chapter_index(position)
    chapter = timeline.chapters[index] if timeline.chapters else None
    if chapter is None:
        return None
    reps = timeline.events_of("rep", chapter.exercise)
    done = [e for e in reps if e.start <= position]
    if done and (len(done) < len(reps) or event.role in ("movement", "phase", "rep")):
        whole = complete or index + 1 < len(timeline.chapters)
        return Count(len(done), len(reps) if whole else None, False)
    return None


def _shown(text: str, style: str = "", *, no_wrap: bool | None = None) -> Text:
    """Text for the screen: a title, a cue or what the microphone heard comes from content, a
    setting or the room, so it is made inert first (errors.inert_lines): rich passes escape
    sequences and bidi controls to the terminal as they are."""
    return Text(inert_lines(text), style=style, no_wrap=no_wrap)


def heading(moment: Moment) -> str:
    """ "3/10  Lumbar Roll"; "Before you start" has no number."""
    timeline = moment.timeline
    if not timeline.chapters:
        return moment.preparing or ""
    index = timeline.chapter_index(moment.position)
    chapter = timeline.chapters[index]
    if chapter.exercise is None:
        return chapter.title
    total = sum(1 for exercise, _ in moment.titles if exercise is not None)
    number = sum(1 for exercise, _ in moment.titles[: index + 1] if exercise is not None)
    return f"{number}/{total}  {chapter.title}"


def said(moment: Moment) -> Event | None:
    """The cue being said (or the last one said) at the moment; None before the first."""
    timeline = moment.timeline
    return timeline.last_speech(moment.position) if timeline.events else None


def next_title(moment: Moment) -> str | None:
    timeline = moment.timeline
    index = timeline.chapter_index(moment.position) if timeline.chapters else -1
    return moment.titles[index + 1][1] if index + 1 < len(moment.titles) else None


def status(moment: Moment) -> str:
    if moment.paused:
        return "PAUSED"
    if moment.preparing:
        return f"Preparing {moment.preparing}..."
    count = count_at(moment.timeline, moment.position, moment.complete)
    return str(count) if count else ""


def keys_line(width: int) -> Text:
    """The keys, folded between two keys (never inside one) when the terminal is narrow."""
    lines: list[str] = []
    for key in KEYS_HELP:
        if lines and len(lines[-1]) + 3 + len(key) <= width:
            lines[-1] += "   " + key
        else:
            lines.append(key)
    return _shown("\n".join(lines), style="dim")


def progress_line(moment: Moment, width: int) -> RenderableType:
    timeline = moment.timeline
    rate = timeline.sample_rate
    here = spoken.clock(moment.position, rate, precise=False)
    total = spoken.clock(timeline.length, rate, precise=False) if moment.complete else "..."
    bar = ProgressBar(total=max(1, timeline.length), completed=moment.position, width=width)
    row = Table.grid(padding=(0, 2))
    row.add_row(bar, _shown(f"{here} / {total}"))
    return row


def detail_view(moment: Moment, library: Library, width: int) -> RenderableType:
    timeline = moment.timeline
    steps = Table.grid(padding=(0, 1, 0, 2))  # a step that wraps stays beside its number
    if timeline.chapters:
        exercise = library.exercises.get(timeline.chapter_at(moment.position).exercise or "")
        for number, step in enumerate(exercise.steps if exercise else [], 1):
            steps.add_row(f"{number}.", _shown(spoken.fill_sides(step, None)), style="dim")
    speech = said(moment)
    return Group(
        _shown(heading(moment), style="bold cyan"),
        steps,
        _shown(""),
        _shown(speech.text if speech and speech.text else "", style="bold"),
        _shown(status(moment), style="bold yellow"),
        *listening_line(moment),
        _shown(""),
        progress_line(moment, min(50, width - 16)),
        keys_line(width),
    )


def listening_line(moment: Moment) -> list[Text]:
    """What the microphone heard, and the music playing: the lines under the status."""
    lines = [_shown(moment.listening, style="green")] if moment.listening else []
    return lines + ([_shown(f"♪ {moment.music}", style="magenta")] if moment.music else [])


def floor_view(moment: Moment, width: int, height: int) -> RenderableType:
    """The count in big digits, the exercise, and what comes next."""
    count = (
        None
        if moment.paused or moment.preparing
        else count_at(moment.timeline, moment.position, moment.complete)
    )
    lines: list[RenderableType] = [_shown(heading(moment), style="bold cyan"), _shown("")]
    if count is not None:
        digits = str(count.value)
        scale = 2 if height >= 2 * ROWS + 14 and width_of(digits, 2) <= width else 1
        block = _shown("\n".join(big(digits, scale)), style="bold yellow", no_wrap=True)
        lines.append(Align.center(block))
        label = "seconds left in the hold" if count.hold else "repetition"
        if count.of is not None:
            label += f" {count.value} of {count.of}"
        lines.append(Align.center(_shown(label, style="yellow")))
    else:
        speech = said(moment)
        words = status(moment) or (speech.text if speech and speech.text else "")
        lines.append(_shown(words, style="bold yellow"))
    following = next_title(moment)
    lines += [
        _shown(""),
        _shown(f"Next: {following}" if following else "Next: the end", style="bold"),
    ]
    lines += listening_line(moment)
    lines += [_shown(""), progress_line(moment, min(50, width - 16)), keys_line(width)]
    return Group(*lines)


class LiveScreen:
    """A panel redrawn in place; the floor view when the terminal is big enough."""

    def __init__(
        self,
        library: Library,
        title: str,
        console: Console | None = None,
        floor: bool | None = None,
    ) -> None:
        self.library = library
        self.title = title
        self.console = console or Console(stderr=False)
        width, height = self.console.size
        self.floor = (
            floor if floor is not None else width >= FLOOR_MIN_WIDTH and height >= FLOOR_MIN_HEIGHT
        )
        self.live = Live(console=self.console, auto_refresh=False, transient=False)
        self.live.start()
        self._last: tuple[object, ...] = ()
        self._moment: Moment | None = None

    def key(self, key: str) -> bool:
        if key.lower() != "v":
            return False
        self.floor = not self.floor
        self._last = ()
        if self._moment is not None:
            self.update(self._moment)
        return True

    def render(self, moment: Moment) -> RenderableType:
        width, height = self.console.size
        inner = max(10, width - 4)
        body = (
            floor_view(moment, inner, height)
            if self.floor
            else detail_view(moment, self.library, inner)
        )
        return Panel(body, title=_shown(self.title))

    def update(self, moment: Moment) -> None:
        self._moment = moment
        rate = moment.timeline.sample_rate
        speech = said(moment)
        state = (
            self.floor,
            heading(moment),
            speech,
            status(moment),
            moment.position // rate,
            moment.complete,
            moment.listening,
            moment.music,
            self.console.size,
        )
        if state == self._last:
            return
        self._last = state
        self.live.update(self.render(moment), refresh=True)

    def close(self) -> None:
        self.live.stop()


class PlainScreen:
    """One line per spoken cue as it is reached, for logs, pipes and screen readers."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.next_event = 0
        self.chapter = -1
        self.preparing: str | None = None
        self.listening: str | None = None
        self.music: str | None = None

    def key(self, key: str) -> bool:
        return False

    def update(self, moment: Moment) -> None:
        timeline = moment.timeline
        events = timeline.events
        rate = timeline.sample_rate
        position = moment.position
        if moment.listening != self.listening:
            self.listening = moment.listening
            if moment.listening:
                self._line(f"({moment.listening})")
        if moment.music != self.music:
            self.music = moment.music
            if moment.music:
                self._line(f"(music: {moment.music})")
        if moment.preparing != self.preparing:
            self.preparing = moment.preparing
            if moment.preparing and events:  # not before the first sound: that is the start
                self._line(f"(preparing {moment.preparing}...)")
        printed = events[self.next_event - 1].start if self.next_event else 0
        upcoming = events[self.next_event].start if self.next_event < len(events) else None
        jumped_back = position < printed
        jumped_ahead = upcoming is not None and upcoming < position - 2 * rate
        if jumped_back or jumped_ahead:
            self.next_event = timeline.event_index(position)  # a skip: pick up from here
        while self.next_event < len(events) and events[self.next_event].start <= position:
            event = events[self.next_event]
            self.next_event += 1
            index = timeline.chapter_index(event.start)
            chapter = timeline.chapters[index] if timeline.chapters else None
            # The first exercise's chapter also holds the session's intro: its heading waits for
            # the exercise itself. "Before you start" has no exercise at all.
            starts = event.exercise is not None or (chapter and chapter.exercise is None)
            if chapter is not None and starts and index != self.chapter:
                self.chapter = index
                self._line(f"== {chapter.title}")
            if event.kind == "speech":
                self._line(f"[{spoken.clock(event.start, rate, precise=False)}] {event.text}")
        self.stream.flush()

    def _line(self, text: str) -> None:
        """A line of the log, inert (a title or a cue from content, what the microphone
        heard): one line each, whatever it holds."""
        self.stream.write(inert_lines(text).replace("\n", " ") + "\n")

    def close(self) -> None:
        self.stream.flush()
