"""Keys and spoken commands in, the same actions out.

A key and its spoken command must do the same thing, so both are read into one `Action` (the
table is `KEY_OF` in listening/commands.py, read both ways here) and only then acted on. The
spoken one adds its acknowledgement words, and is ignored when the microphone may have heard the
coach itself. `v` is not here: it switches the screen's view, which is the screen's own business.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from voice_coach.listening.commands import ACKNOWLEDGEMENT, KEY_OF, Action, SaidAgain
from voice_coach.listening.listener import Listens
from voice_coach.model import DEFAULT_WAKE_WORD
from voice_coach.playback.ownvoice import OwnVoice

HEARD_SHOWN_S = 4.0
REMIND_AFTER_S = 60.0
"""A session paused by voice says once, after this long, how to go on: a person on the floor
may have forgotten the words, and may not see the screen."""
REMINDER = "Paused. Say '{wake}, go on' when you are ready."

ACTION_OF_KEY: dict[str, Action] = {key: a for a, key in KEY_OF.items() if key != KEY_OF["pause"]}
"""Every key but the one for pause and resume, which is either, as the session is."""


def action_of_key(key: str, paused: bool) -> Action | None:
    """The action a key asks for (None: not a key of the session's)."""
    key = key.lower()
    if key == KEY_OF["pause"]:
        return "resume" if paused else "pause"
    return ACTION_OF_KEY.get(key)


@dataclass(frozen=True)
class Listening:
    """Spoken commands: who listens, the wake word, and whether the microphone is trusted over
    the coach's own voice (an echo-cancelled source) or ignored while it speaks (the default)."""

    listener: Listens
    wake_word: str = DEFAULT_WAKE_WORD
    over_speech: bool = False
    said_again: bool = False
    """A doubtful command said again and heard alike is done (the `listen_said_again` setting)."""


class Voice:
    """The spoken side: the commands heard, what the screen says of them, and when the coach's
    own voice was sounding (so that the microphone hearing it is not obeyed)."""

    def __init__(
        self, listening: Listening, clock: Callable[[], float], *, keys: bool = True
    ) -> None:
        self.listening = listening
        self.clock = clock
        self.keys = keys
        """Whether a terminal's keys steer the session too (without one, nothing else does)."""
        self.own_voice = OwnVoice(clock)
        self.acted: tuple[str, float] | None = None
        """The last spoken command obeyed (or ignored, and why), and when."""
        self.paused_at: float | None = None
        """When a spoken command last paused the session (None once it plays again)."""
        self.reminded = False
        self.asked = 0
        """How many times the person was asked to say a command again (heard, not sure)."""
        self.said_again = SaidAgain()

    def prepare(self, cue: Callable[[str], bytes]) -> None:
        """Synthesise the acknowledgements now, in the background, so that the first command
        is answered at once rather than after its words are made."""
        words = [w.format(wake=self.listening.wake_word) for w in ACKNOWLEDGEMENT.values() if w]
        threading.Thread(
            target=lambda: [cue(w) for w in words], name="voice-coach-answers", daemon=True
        ).start()

    def note(self, sounding: bool) -> None:
        self.own_voice.note(sounding)

    def heard(self, paused: bool = False) -> Iterator[tuple[Action | None, str]]:
        """Each command to obey, as it is taken (one that ends the session leaves the rest
        unread): its action, and the words that show it was heard; None for one heard but not
        surely, to be asked again with a soft tone. Said again and heard as the same action
        within CONFIRM_WITHIN_S, not surely either, it is obeyed. `paused`: the session is
        paused now; after a pause by voice, a 'go on' not quite sure gets the benefit of the
        doubt (a close call between resume and nothing is resume)."""
        for command in self.listening.listener.poll():
            said = (command.said_from, command.said_to)
            if not self.listening.over_speech and self.own_voice.during(*said):
                self.acted = (f"{command.phrase} (ignored: the coach was speaking)", self.clock())
                continue
            doubt = paused and self.paused_at is not None and command.action == "resume"
            again = self.listening.said_again and self.said_again.confirms(
                command.action, command.said_from, command.probability
            )
            if not command.sure and not doubt and not again:
                self.acted = (f"{command.phrase}? (not sure: say it again)", self.clock())
                self.asked += 1
                self.said_again.asked(command.action, command.said_to, command.probability)
                yield None, ""
                continue
            self.said_again.settled()
            shown = (
                command.phrase if command.sure or not again else f"{command.phrase} (said again)"
            )
            self.acted = (shown, self.clock())
            if command.action == "pause":
                self.paused_at, self.reminded = self.clock(), False
            words = ACKNOWLEDGEMENT[command.action].format(wake=self.listening.wake_word)
            yield command.action, words

    def reminder(self, paused: bool) -> str | None:
        """The words to say once when a pause by voice has lasted REMIND_AFTER_S, else None."""
        if not paused:
            self.paused_at = None
            return None
        if self.paused_at is None or self.reminded:
            return None
        if self.clock() - self.paused_at < REMIND_AFTER_S:
            return None
        self.reminded = True
        return REMINDER.format(wake=self.listening.wake_word)

    def line(self) -> str:
        """What the microphone is doing, for the screen."""
        listener = self.listening.listener
        if listener.problem:
            if self.keys:
                return f"Not listening: {listener.problem}. Use the keys."
            return (
                f"Not listening: {listener.problem}. With no terminal for keys either, the "
                "session plays straight through (Ctrl-C stops it)."
            )
        if self.acted and self.clock() - self.acted[1] < HEARD_SHOWN_S:
            return f"Heard: {self.acted[0]}"
        wake = self.listening.wake_word
        line = (
            f"Paused: say '{wake}, go on'" if self.paused_at else f"Listening: say '{wake}, pause'"
        )
        if self.acted:
            ago = round(self.clock() - self.acted[1])
            line += f" (last heard {ago} s ago: {self.acted[0]})"
        return line
