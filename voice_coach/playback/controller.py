"""The session controller: plays the plan, obeys the person, and keeps score of what was done.

It only wires the parts together and runs the loop: the transport (transport.py) moves the sound,
the state (states.py) decides what each command does, and commands_in.py makes the same command
of a key and of its spoken words. The plan may still be growing (a cold cache): the keys work
from the first moment all the same, and a skip to an exercise that is not planned yet silences
the coach and waits for it, saying so on the screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from voice_coach.listening.commands import Action
from voice_coach.model import Timeline
from voice_coach.plan.timeline import ChapterTitle
from voice_coach.playback.base import Player
from voice_coach.playback.commands_in import Listening, Voice, action_of_key
from voice_coach.playback.growing import GrowingPlan
from voice_coach.playback.states import Machine, State, Then
from voice_coach.playback.transport import Transport

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing

__all__ = ["Keys", "Listening", "Moment", "Outcome", "Screen", "SessionController"]

TICK_S = 0.03
CAUGHT_UP_S = 0.1
"""The sound is this close to the end of what is planned: say that the coach is preparing."""
STOP_WORD_WAIT_S = 3.0
OUTPUT_SLACK_S = 0.3
"""What the device still holds after the last word was handed to it."""


class Keys(Protocol):
    def read(self, timeout: float) -> str | None: ...


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
    music: str | None = None
    """The track playing under the coach (None: no music, or none heard now)."""


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
    asked_again: int = 0
    """Spoken commands heard but not surely enough to obey (the person was asked again)."""


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
        mixing: Mixing | None = None,
    ) -> None:
        self.plan = plan if isinstance(plan, GrowingPlan) else GrowingPlan.of(plan)
        self.cue = cue
        self.player = player
        self.screen = screen
        self.keys = keys
        self.listening = listening
        self.clock = clock
        """Wall-clock time: when commands were said, and when the coach's sound played."""
        self.transport = Transport(self.plan, cue, player, clock, mixing)
        self.machine = Machine(self.transport)
        self.voice = None if listening is None else Voice(listening, clock, keys=keys is not None)

    @property
    def state(self) -> State:
        return self.machine.state

    def run(self) -> Outcome:
        """Play from the start to the end or until quit."""
        outcome = Outcome()
        if self.voice is not None:
            self.voice.prepare(self.cue)
        self.transport.play(0)
        try:
            while True:
                self.plan.check()
                self.machine.tick()
                moment = self.moment()
                self.screen.update(moment)
                if self.state.playing and self.plan.complete and self.transport.done():
                    self.transport.finish()
                    break
                if not self._listen(moment.position) or not self._keys(moment.position):
                    outcome.quit = True
                    break
        except KeyboardInterrupt:  # Ctrl-C: silence at once, then still say what was done
            outcome.quit = outcome.interrupted = True
        finally:
            self._close()
        return self._score(outcome)

    def _close(self) -> None:
        """Silence the sound, let go of the plan, the screen and the microphone."""
        if self.state.playing:
            self.transport.stop()  # credits what was heard up to here
        else:
            self.transport.release()
        self.player.stop()
        self.screen.close()
        if self.listening is not None:
            self.listening.listener.close()

    def moment(self) -> Moment:
        timeline = self.plan.snapshot()
        state = self.state
        position = state.position(self.transport)
        preparing = None
        if state.waiting_for is not None:
            preparing = self.plan.titles[state.waiting_for][1]
        elif not self.plan.complete and position + CAUGHT_UP_S * timeline.sample_rate >= (
            timeline.length
        ):
            title = timeline.chapter_at(position).title if timeline.chapters else None
            preparing = title or "your session"
        return Moment(
            timeline,
            position,
            state.paused,
            self.plan.titles,
            preparing,
            self.plan.complete,
            self.voice.line() if self.voice is not None else None,
            self.transport.music_at(position) if state.playing else None,
        )

    def handle(self, key: str, position: int) -> bool:
        """Act on one key; False when the session should end."""
        action = action_of_key(key, self.state.paused)
        if action is not None and self.voice is not None:
            self.voice.said_again.settled()  # a doubt said again after a key is a new one
        return action is None or self._act(action, position)

    def _keys(self, position: int) -> bool:
        """Wait a tick for a key and act on it; False when the session should end."""
        if self.keys is None:
            time.sleep(TICK_S)
            return True
        key = self.keys.read(TICK_S)
        return key is None or self.screen.key(key) or self.handle(key, position)

    def _listen(self, position: int) -> bool:
        """Obey what was said since the last tick; False when the session should end."""
        if self.voice is None:
            return True
        self.voice.note(self.transport.sounding(self.state.playing))
        for action, words in self.voice.heard(self.state.paused):
            if action is None:
                self.machine.tell(self.transport.again())
            elif not self._act(action, position, words):
                return False
        reminder = self.voice.reminder(self.state.paused)
        if reminder is not None:
            self.machine.tell(self.transport.answer(reminder))
        return True

    def _act(self, action: Action, position: int, words: str = "") -> bool:
        then = self.machine.act(action, position, words)
        if then is Then.END_AFTER_WORDS:
            self._let_words_finish()
        return then is Then.GO_ON

    def _let_words_finish(self) -> None:
        """Wait while the last words are said (the keys go unheard meanwhile)."""
        deadline = min(
            self.transport.answer_until + OUTPUT_SLACK_S, self.clock() + STOP_WORD_WAIT_S
        )
        while self.clock() < deadline:
            if self.keys is None:
                time.sleep(TICK_S)
            else:
                self.keys.read(TICK_S)

    def _score(self, outcome: Outcome) -> Outcome:
        for index, (exercise, _) in enumerate(self.plan.titles):
            if exercise is None:
                continue  # "Before you start" is heard, not done
            done = index in self.transport.reached_end
            (outcome.completed if done else outcome.skipped).append(exercise)
        outcome.heard_samples = self.transport.heard
        outcome.asked_again = 0 if self.voice is None else self.voice.asked
        return outcome
