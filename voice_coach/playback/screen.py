"""What the screen shows while a session plays: a live panel on a terminal, plain lines otherwise.

Both read the same timeline at the position the player reports, so the words on screen are the
words being spoken.
"""

from __future__ import annotations

import bisect
import sys
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.text import Text

from voice_coach import spoken
from voice_coach.model import Event, Library, Timeline

KEYS_HELP = "space pause/resume   n next   p previous   r repeat   q quit"


def clock(samples: int, rate: int) -> str:
    minutes, seconds = divmod(samples // rate, 60)
    return f"{minutes}:{seconds:02d}"


class TimelineView:
    """Answers "what is happening at this sample?" quickly (bisect over event starts)."""

    def __init__(self, timeline: Timeline, library: Library) -> None:
        self.timeline = timeline
        self.library = library
        self.starts = [e.start for e in timeline.events]
        self.chapter_starts = [c.start for c in timeline.chapters]

    def event_index(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.starts, position) - 1)

    def last_speech(self, position: int) -> Event | None:
        for index in range(self.event_index(position), -1, -1):
            if self.timeline.events[index].kind == "speech":
                return self.timeline.events[index]
        return None

    def chapter(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.chapter_starts, position) - 1)

    def countdown(self, position: int) -> str:
        """ "Hold: 12 s left" inside a hold, "Rep 7 of 20" during a set, else ""."""
        events = self.timeline.events
        index = self.event_index(position)
        event = events[index]
        rate = self.timeline.sample_rate
        if event.role in ("hold", "countdown") or (
            event.role == "caution" and _in_hold(events, index)
        ):
            end = next(
                (e.start for e in events[index:] if e.kind == "tone" and e.role == "hold-end"),
                None,
            )
            if end is not None:
                left = -(-(end - position) // rate)
                return f"Hold: {left} s left"
        chapter = self.timeline.chapters[self.chapter(position)]
        reps = [e for e in events if e.role == "rep" and chapter.start <= e.start < chapter.end]
        done = [e for e in reps if e.start <= position]
        if done and (len(done) < len(reps) or event.role in ("movement", "phase", "rep")):
            return f"Rep {len(done)} of {len(reps)}"
        return ""


def _in_hold(events: tuple[Event, ...], index: int) -> bool:
    for event in reversed(events[:index]):
        if event.kind == "tone":
            return event.role == "hold-start"
    return False


class LiveScreen:
    """A panel redrawn in place: exercise, steps, the cue being spoken, countdown, progress."""

    def __init__(self, view: TimelineView, title: str, console: Console | None = None) -> None:
        self.view = view
        self.title = title
        self.console = console or Console(stderr=False)
        self.live = Live(console=self.console, auto_refresh=False, transient=False)
        self.live.start()
        self._last: tuple[object, ...] = ()

    def update(self, position: int, paused: bool) -> None:
        view = self.view
        timeline = view.timeline
        rate = timeline.sample_rate
        index = view.chapter(position)
        chapter = timeline.chapters[index]
        speech = view.last_speech(position)
        countdown = view.countdown(position)
        state = (index, speech, countdown, paused, position // rate)
        if state == self._last:
            return
        self._last = state
        exercise = view.library.exercises.get(chapter.exercise)
        steps = Text()
        if exercise is not None:
            for number, step in enumerate(exercise.steps, 1):
                steps.append(f"  {number}. {spoken.fill_sides(step, None)}\n", style="dim")
        now = Text(speech.text if speech and speech.text else "", style="bold")
        status = "PAUSED" if paused else countdown
        body = Group(
            Text(f"{index + 1}/{len(timeline.chapters)}  {chapter.title}", style="bold cyan"),
            steps,
            now,
            Text(status, style="bold yellow"),
            Text(""),
            ProgressBar(total=timeline.length, completed=position, width=50),
            Text(f"{clock(position, rate)} / {clock(timeline.length, rate)}    {KEYS_HELP}"),
        )
        self.live.update(Panel(body, title=self.title), refresh=True)

    def close(self) -> None:
        self.live.stop()


class PlainScreen:
    """One line per spoken cue as it is reached, for logs, pipes and screen readers."""

    def __init__(self, view: TimelineView, stream: TextIO | None = None) -> None:
        self.view = view
        self.stream = stream or sys.stdout
        self.next_event = 0
        self.chapter = -1

    def update(self, position: int, paused: bool) -> None:
        events = self.view.timeline.events
        rate = self.view.timeline.sample_rate
        printed = events[self.next_event - 1].start if self.next_event else 0
        upcoming = events[self.next_event].start if self.next_event < len(events) else None
        jumped_back = position < printed
        jumped_ahead = upcoming is not None and upcoming < position - 2 * rate
        if jumped_back or jumped_ahead:
            self.next_event = self.view.event_index(position)  # a skip: pick up from here
        while self.next_event < len(events) and events[self.next_event].start <= position:
            event = events[self.next_event]
            self.next_event += 1
            chapter = self.view.chapter(event.start)
            # The first chapter also holds the session's intro: its heading waits for the exercise.
            if event.exercise is not None and chapter != self.chapter:
                self.chapter = chapter
                title = self.view.timeline.chapters[chapter].title
                self.stream.write(f"== {title}\n")
            if event.kind == "speech":
                self.stream.write(f"[{clock(event.start, rate)}] {event.text}\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()
