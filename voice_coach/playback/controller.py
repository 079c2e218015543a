"""The session controller: plays the timeline, obeys the keys, and keeps score of what was done.

The audio position always comes from the player (the device's clock), so the screen, the skips
and the summary agree with what the person actually heard.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from voice_coach.audio.render import render
from voice_coach.model import Timeline
from voice_coach.playback.base import Player

TICK_S = 0.03
RESTART_WITHIN_S = 3.0
"""`p` within this many seconds of an exercise's start goes to the previous one; later, restarts."""


class Keys(Protocol):
    def read(self, timeout: float) -> str | None: ...


class Screen(Protocol):
    def update(self, position: int, paused: bool) -> None: ...

    def close(self) -> None: ...


@dataclass
class Outcome:
    completed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    heard_samples: int = 0
    quit: bool = False
    interrupted: bool = False


class SessionController:
    def __init__(
        self,
        timeline: Timeline,
        cue: Callable[[str], bytes],
        player: Player,
        screen: Screen,
        keys: Keys | None,
    ) -> None:
        self.timeline = timeline
        self.cue = cue
        self.player = player
        self.screen = screen
        self.keys = keys
        self.paused = False
        self.paused_at = 0
        self.segment_start = 0
        self.heard = 0
        self.reached_end: set[int] = set()

    def _play_from(self, position: int) -> None:
        self.segment_start = position
        self.player.start(render(self.timeline, self.cue, start=position), position)

    def _stop(self) -> int:
        reached = self.player.stop()
        self._account(reached)
        return reached

    def _account(self, reached: int) -> None:
        """Credit what was heard between the segment's start and `reached`."""
        self.heard += max(0, reached - self.segment_start)
        for index, chapter in enumerate(self.timeline.chapters):
            if self.segment_start < chapter.end <= reached:
                self.reached_end.add(index)
        self.segment_start = reached

    def _jump(self, target: int) -> None:
        if self.paused:
            self.paused_at = target
            self.segment_start = target
            return
        self._stop()
        self._play_from(target)

    def handle(self, key: str, position: int) -> bool:
        """Act on one key; False when the session should end."""
        chapters = self.timeline.chapters
        here = self.timeline.chapter_index(position)
        if key == "q":
            return False
        if key == " ":
            if self.paused:
                self.paused = False
                self._play_from(self.paused_at)
            else:
                self.paused_at = self._stop()
                self.paused = True
        elif key == "n":
            if here + 1 >= len(chapters):
                return False
            self._jump(chapters[here + 1].start)
        elif key == "p":
            in_current = (position - chapters[here].start) / self.timeline.sample_rate
            target = here if in_current > RESTART_WITHIN_S or here == 0 else here - 1
            self._jump(chapters[target].start)
        elif key == "r":
            self._jump(chapters[here].start)
        return True

    def run(self, already_playing: bool = False) -> Outcome:
        """Play to the end or until quit; `already_playing` if the player was started at 0."""
        outcome = Outcome()
        if not already_playing:
            self._play_from(0)
        try:
            while True:
                position = self.paused_at if self.paused else self.player.position()
                self.screen.update(position, self.paused)
                if not self.paused and self.player.done():
                    self._account(self.timeline.length)
                    break
                key = self.keys.read(TICK_S) if self.keys else None
                if key is None:
                    if not self.keys:
                        time.sleep(TICK_S)
                    continue
                if not self.handle(key.lower() if key != " " else key, position):
                    outcome.quit = True
                    if not self.paused:
                        self._stop()
                    break
        except KeyboardInterrupt:  # Ctrl-C: silence at once, then still say what was done
            outcome.quit = outcome.interrupted = True
            if not self.paused:
                self._stop()
        finally:
            self.player.stop()
            self.screen.close()
        return self._score(outcome)

    def _score(self, outcome: Outcome) -> Outcome:
        for index, chapter in enumerate(self.timeline.chapters):
            if chapter.exercise is None:
                continue  # "Before you start" is heard, not done
            done = index in self.reached_end
            (outcome.completed if done else outcome.skipped).append(chapter.exercise)
        outcome.heard_samples = self.heard
        return outcome
