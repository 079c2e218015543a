"""The session controller: plays the plan, obeys the keys, and keeps score of what was done.

The audio position always comes from the player (the device's clock), so the screen, the skips
and the summary agree with what the person actually heard. The plan may still be growing (a cold
cache): the keys work from the first moment all the same, and a skip to an exercise that is not
planned yet silences the coach and waits for it, saying so on the screen.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from voice_coach.audio.render import render_events, tone
from voice_coach.listening.commands import ACKNOWLEDGEMENT, KEY_OF
from voice_coach.listening.listener import Command, Listens
from voice_coach.model import Timeline
from voice_coach.plan import spoken
from voice_coach.plan.timeline import ChapterTitle
from voice_coach.playback.base import Player
from voice_coach.playback.growing import EventStream, GrowingPlan
from voice_coach.playback.ownvoice import OwnVoice

TICK_S = 0.03
RESTART_WITHIN_S = 3.0
"""`p` within this many seconds of an exercise's start goes to the previous one; later, restarts."""
ANSWER_TONE_S = 0.15
ANSWER_GAP_S = 0.15
CAUGHT_UP_S = 0.1
"""The sound is this close to the end of what is planned: say that the coach is preparing."""


class Keys(Protocol):
    def read(self, timeout: float) -> str | None: ...


@dataclass(frozen=True)
class Listening:
    """Spoken commands: who listens, the wake word, and whether the microphone is trusted over
    the coach's own voice (an echo-cancelled source) or ignored while it speaks (the default)."""

    listener: Listens
    wake_word: str = "coach"
    over_speech: bool = False


HEARD_SHOWN_S = 4.0
STOP_WORD_WAIT_S = 3.0
OUTPUT_SLACK_S = 0.3
"""What the device still holds after the last word was handed to it."""


@dataclass(frozen=True)
class Moment:
    """What the screen shows: the plan so far and where the sound is in it."""

    timeline: Timeline
    position: int
    paused: bool
    titles: tuple[ChapterTitle, ...]
    """Every chapter the whole session has (the timeline may not have them all yet)."""
    preparing: str | None = None
    """The title of what the sound waits for, while it waits."""
    complete: bool = True
    listening: str | None = None
    """What the microphone is doing (None: not listening at all)."""


class Screen(Protocol):
    def update(self, moment: Moment) -> None: ...

    def key(self, key: str) -> bool:
        """Take a key that is the screen's own (switching views); True if it was."""

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
        plan: GrowingPlan | Timeline,
        cue: Callable[[str], bytes],
        player: Player,
        screen: Screen,
        keys: Keys | None,
        listening: Listening | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.plan = plan if isinstance(plan, GrowingPlan) else GrowingPlan.of(plan)
        self.cue = cue
        self.player = player
        self.screen = screen
        self.keys = keys
        self.paused = False
        self.paused_at = 0
        self.waiting_for: int | None = None
        """A chapter skipped to before it was planned: the sound resumes once it is."""
        self.segment_start = 0
        self.heard = 0
        self.reached_end: set[int] = set()
        self.stream: EventStream | None = None
        self.listening = listening
        self.clock = clock
        """Wall-clock time: when commands were said, and when the coach's sound played."""
        self.own_voice = OwnVoice(clock)
        self.answer_until = 0.0
        """While paused, something said plays until then (on the clock)."""
        self.answer_first = b""
        """Words to say before the session plays on from where a command sent it."""
        self.acted: tuple[str, float] | None = None
        """The last spoken command obeyed (or ignored, and why), and when."""

    @property
    def timeline(self) -> Timeline:
        return self.plan.snapshot()

    def _play_from(self, position: int, preamble: bytes = b"") -> None:
        """Play the session from `position`, after `preamble` (something said in between: the
        player counts it before `position`, and the position is read no earlier than that)."""
        self.segment_start = position
        preamble, self.answer_first = preamble or self.answer_first, b""
        self.stream = self.plan.stream(position)
        rate = self.plan.sample_rate
        blocks = render_events(self.stream, rate, self.cue, start=position, flush=True)
        if preamble:
            blocks = itertools.chain([preamble], blocks)
        self.player.start(blocks, position - len(preamble) // 2)

    def _position(self) -> int:
        return max(self.player.position(), self.segment_start)

    def _stop(self) -> int:
        if self.stream is not None:
            self.stream.cancel()  # a player waiting for the plan lets go at once
        reached = max(self.player.stop(), self.segment_start)
        self._account(reached)
        return reached

    def _answer(self, text: str) -> bytes:
        """A short tone, a breath, then the words."""
        rate = self.plan.sample_rate
        pcm = tone("hold-start", round(ANSWER_TONE_S * rate), rate)
        return pcm + bytes(round(ANSWER_GAP_S * rate) * 2) + self.cue(text)

    def _say(self, text: str, *, resume: bool = False) -> None:
        """Say something now, between the session's sounds: a tone, then the words; the
        session then goes on from exactly where it was (or stays paused, unless `resume`)."""
        rate = self.plan.sample_rate
        pcm = self._answer(text)
        if resume and self.paused:
            self.paused = False
            if self.waiting_for is None:
                self._play_from(self.paused_at, preamble=pcm)
                return
        if self.paused or self.waiting_for is not None:
            self.player.start(iter([pcm]), self.paused_at)
            self.answer_until = self.clock() + len(pcm) / 2 / rate
        else:
            self._play_from(self._stop(), preamble=pcm)

    def time_left(self, position: int) -> str:
        """What is left of the exercise and the session: exact once planned, else from the
        plan's word-count guess (hence "about")."""
        timeline = self.timeline
        rate = self.plan.sample_rate
        if not timeline.chapters:
            return spoken.remaining(None, self.plan.guess_length // rate)
        source = timeline if self.plan.complete else (self.plan.guess or timeline)
        lengths = [c.end - c.start for c in source.chapters]
        index = min(timeline.chapter_index(position), len(lengths) - 1)
        here = max(0, lengths[index] - (position - timeline.chapters[index].start))
        session = here + sum(lengths[index + 1 :])
        in_exercise = timeline.chapters[index].exercise is not None
        return spoken.remaining(here // rate if in_exercise else None, session // rate)

    def _account(self, reached: int) -> None:
        """Credit what was heard between the segment's start and `reached`."""
        self.heard += max(0, reached - self.segment_start)
        chapters = self.timeline.chapters
        final = len(chapters) if self.plan.complete else len(chapters) - 1  # last may still grow
        for index, chapter in enumerate(chapters[:final]):
            if self.segment_start < chapter.end <= reached:
                self.reached_end.add(index)
        self.segment_start = reached

    def _go_to(self, index: int) -> None:
        """Continue at chapter `index`, at once if it is planned, else as soon as it is."""
        start = self.plan.chapter_start(index)
        if self.waiting_for is None and not self.paused:
            self.paused_at = self._stop()
        self.waiting_for = index if start is None else None
        if start is not None:
            self.paused_at = self.segment_start = start
            if not self.paused:
                self._play_from(start)

    def _resume_if_ready(self) -> None:
        if self.waiting_for is None:
            return
        start = self.plan.chapter_start(self.waiting_for)
        if start is not None:
            self.waiting_for = None
            self.paused_at = self.segment_start = start
            if not self.paused:
                self._play_from(start)

    def handle(self, key: str, position: int) -> bool:
        """Act on one key; False when the session should end."""
        count = len(self.plan.titles)
        if self.waiting_for is not None:
            here = self.waiting_for
        else:
            here = self.timeline.chapter_index(position)
        if key == "q":
            return False
        if key == " ":
            if self.paused:
                self.paused = False
                if self.waiting_for is None:
                    self._play_from(self.paused_at)
            else:
                if self.waiting_for is None:
                    self.paused_at = self._stop()
                self.paused = True
        elif key == "n":
            if here + 1 >= count:
                return False
            self._go_to(here + 1)
        elif key == "p":
            start = self.plan.chapter_start(here)
            in_current = 0.0 if start is None else (position - start) / self.plan.sample_rate
            self._go_to(here if in_current > RESTART_WITHIN_S or here == 0 else here - 1)
        elif key == "r":
            self._go_to(here)
        elif key == "t":
            self._say(self.time_left(position))
        return True

    def sounding(self) -> bool:
        """Whether the coach's own sound is playing now (speech or a tone, not silence)."""
        if self.paused or self.waiting_for is not None:
            return self.clock() < self.answer_until  # an answer said while paused
        position = self.player.position()
        if position < self.segment_start:
            return True  # something said before the session goes on
        timeline = self.timeline
        if position >= timeline.length:
            return not self.player.done()
        return timeline.event_at(position).kind != "silence"

    def obey(self, command: Command, position: int) -> bool:
        """Act on a spoken command as its key would, and say so; False when the session ends."""
        listening = self.listening
        assert listening is not None
        if not listening.over_speech and self.own_voice.during(command.said_from, command.said_to):
            self.acted = (f"{command.phrase} (ignored: the coach was speaking)", self.clock())
            return True
        self.acted = (command.phrase, self.clock())
        action = command.action
        if (action == "pause" and self.paused) or (action == "resume" and not self.paused):
            return True
        if action == "stop":
            self._say_last(ACKNOWLEDGEMENT["stop"])
            return False
        if action == "resume":
            self._say(ACKNOWLEDGEMENT["resume"], resume=True)
            return True
        words = ACKNOWLEDGEMENT[action].format(wake=listening.wake_word)
        if action in ("next", "back", "repeat"):
            self.answer_first = self._answer(words)  # said where the session goes on
        going_on = self.handle(KEY_OF[action], position)
        if self.answer_first or action == "pause":  # not played yet: paused, or waiting
            self.answer_first = b""
            self._say(words)
        return going_on

    def _say_last(self, text: str) -> None:
        """Say a last word after silencing the session, and let it finish."""
        if not self.paused and self.waiting_for is None:
            self.paused_at = self._stop()
        self.paused = True
        self._say(text)
        deadline = min(self.answer_until + OUTPUT_SLACK_S, self.clock() + STOP_WORD_WAIT_S)
        while self.clock() < deadline:
            if self.keys is None:
                time.sleep(TICK_S)
            else:
                self.keys.read(TICK_S)

    def listening_line(self) -> str | None:
        if self.listening is None:
            return None
        listener = self.listening.listener
        if listener.problem:
            return f"Not listening: {listener.problem}. Use the keys."
        if self.acted and self.clock() - self.acted[1] < HEARD_SHOWN_S:
            return f"Heard: {self.acted[0]}"
        return f"Listening: say '{self.listening.wake_word}, pause'"

    def moment(self) -> Moment:
        timeline = self.timeline
        playing = not self.paused and self.waiting_for is None
        position = self._position() if playing else self.paused_at
        preparing = None
        if self.waiting_for is not None:
            preparing = self.plan.titles[self.waiting_for][1]
        elif not self.plan.complete and position + CAUGHT_UP_S * timeline.sample_rate >= (
            timeline.length
        ):
            title = timeline.chapter_at(position).title if timeline.chapters else None
            preparing = title or "your session"
        return Moment(
            timeline,
            position,
            self.paused,
            self.plan.titles,
            preparing,
            self.plan.complete,
            self.listening_line(),
        )

    def run(self) -> Outcome:
        """Play from the start to the end or until quit."""
        outcome = Outcome()
        if self.listening is not None:
            self._prepare_answers(self.listening.wake_word)
        self._play_from(0)
        try:
            while True:
                self.plan.check()
                self._resume_if_ready()
                moment = self.moment()
                self.screen.update(moment)
                playing = not self.paused and self.waiting_for is None
                if playing and self.plan.complete and self.player.done():
                    self._account(self.plan.snapshot().length)
                    break
                self.own_voice.note(self.sounding())
                if not self._obey_voice(moment.position):
                    outcome.quit = True
                    break
                key = self.keys.read(TICK_S) if self.keys else None
                if key is None:
                    if not self.keys:
                        time.sleep(TICK_S)
                    continue
                if self.screen.key(key):
                    continue
                if not self.handle(key.lower() if key != " " else key, moment.position):
                    outcome.quit = True
                    break
        except KeyboardInterrupt:  # Ctrl-C: silence at once, then still say what was done
            outcome.quit = outcome.interrupted = True
        finally:
            if not self.paused and self.waiting_for is None:
                self._stop()
            elif self.stream is not None:
                self.stream.cancel()
            self.player.stop()
            self.screen.close()
            if self.listening is not None:
                self.listening.listener.close()
        return self._score(outcome)

    def _prepare_answers(self, wake_word: str) -> None:
        """Synthesise the acknowledgements now, in the background, so that the first command
        is answered at once rather than after its words are made."""
        words = [w.format(wake=wake_word) for w in ACKNOWLEDGEMENT.values() if w]
        threading.Thread(
            target=lambda: [self.cue(w) for w in words], name="voice-coach-answers", daemon=True
        ).start()

    def _obey_voice(self, position: int) -> bool:
        for command in self.listening.listener.poll() if self.listening else []:
            if not self.obey(command, position):
                return False
        return True

    def _score(self, outcome: Outcome) -> Outcome:
        for index, (exercise, _) in enumerate(self.plan.titles):
            if exercise is None:
                continue  # "Before you start" is heard, not done
            done = index in self.reached_end
            (outcome.completed if done else outcome.skipped).append(exercise)
        outcome.heard_samples = self.heard
        return outcome
