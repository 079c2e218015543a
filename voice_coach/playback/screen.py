"""What the screen shows while a session plays: a live panel on a terminal, plain lines otherwise.

Both read the same timeline at the position the player reports, so the words on screen are the
words being spoken.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.text import Text

from voice_coach import spoken
from voice_coach.model import Library, Timeline
from voice_coach.views import clock

KEYS_HELP = "space pause/resume   n next   p previous   r repeat   q quit"


class TimelineView:
    """The timeline with the content it came from: what the screen shows at a sample."""

    def __init__(self, timeline: Timeline, library: Library) -> None:
        self.timeline = timeline
        self.library = library

    def countdown(self, position: int) -> str:
        """ "Hold: 12 s left" inside a hold, "Rep 7 of 20" during a set, else ""."""
        timeline = self.timeline
        event = timeline.event_at(position)
        if event.role in ("hold", "countdown") or (
            event.role == "caution" and timeline.in_hold(position)
        ):
            end = timeline.hold_end_after(position)
            if end is not None:
                left = -(-(end - position) // timeline.sample_rate)
                return f"Hold: {left} s left"
        chapter = timeline.chapter_at(position)
        reps = timeline.events_of("rep", chapter.exercise)
        done = [e for e in reps if e.start <= position]
        if done and (len(done) < len(reps) or event.role in ("movement", "phase", "rep")):
            return f"Rep {len(done)} of {len(reps)}"
        return ""


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
        index = timeline.chapter_index(position)
        chapter = timeline.chapters[index]
        speech = timeline.last_speech(position)
        countdown = view.countdown(position)
        state = (index, speech, countdown, paused, position // rate)
        if state == self._last:
            return
        self._last = state
        exercise = view.library.exercises.get(chapter.exercise or "")
        steps = Text()
        if exercise is not None:
            for number, step in enumerate(exercise.steps, 1):
                steps.append(f"  {number}. {spoken.fill_sides(step, None)}\n", style="dim")
        now = Text(speech.text if speech and speech.text else "", style="bold")
        status = "PAUSED" if paused else countdown
        exercises = timeline.exercise_chapters
        heading = chapter.title  # "Before you start" has no number
        if chapter in exercises:
            heading = f"{exercises.index(chapter) + 1}/{len(exercises)}  {chapter.title}"
        here = clock(position, rate, precise=False)
        total = clock(timeline.length, rate, precise=False)
        body = Group(
            Text(heading, style="bold cyan"),
            steps,
            now,
            Text(status, style="bold yellow"),
            Text(""),
            ProgressBar(total=timeline.length, completed=position, width=50),
            Text(f"{here} / {total}    {KEYS_HELP}"),
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
            self.next_event = self.view.timeline.event_index(position)  # a skip: pick up from here
        while self.next_event < len(events) and events[self.next_event].start <= position:
            event = events[self.next_event]
            self.next_event += 1
            chapter = self.view.timeline.chapter_index(event.start)
            # The first chapter also holds the session's intro: its heading waits for the exercise.
            if event.exercise is not None and chapter != self.chapter:
                self.chapter = chapter
                title = self.view.timeline.chapters[chapter].title
                self.stream.write(f"== {title}\n")
            if event.kind == "speech":
                self.stream.write(f"[{clock(event.start, rate, precise=False)}] {event.text}\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()
