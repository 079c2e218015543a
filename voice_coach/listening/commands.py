"""What the coach understands: the wake word, then one short command, each doing what a key does.

Several phrasings lead to one action, chosen to sound unlike each other and unlike the coach's own
cues ("next" is a command; the coach says "Next exercise" only inside its own speech, which is not
listened to by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["pause", "resume", "next", "back", "repeat", "stop", "time"]

PHRASES: dict[str, Action] = {
    "pause": "pause",
    "wait": "pause",
    "go on": "resume",
    "resume": "resume",
    "next": "next",
    "skip": "next",
    "back": "back",
    "repeat": "repeat",
    "stop": "stop",
    "how long": "time",
}

KEY_OF: dict[Action, str] = {
    "pause": " ",
    "resume": " ",
    "next": "n",
    "back": "p",
    "repeat": "r",
    "stop": "q",
    "time": "t",
}
"""The key that does the same (pause and resume are the one key: space)."""

ACKNOWLEDGEMENT: dict[Action, str] = {
    "pause": "Paused. Say '{wake}, go on' when you are ready.",
    "resume": "Going on.",
    "next": "Next.",
    "back": "Back.",
    "repeat": "Again.",
    "stop": "Stopping.",
    "time": "",
}
"""What the coach says to show it heard (the time left is its own answer)."""


def phrases(wake_word: str) -> dict[str, Action]:
    """Every full command ("coach pause") and its action."""
    return {f"{wake_word} {phrase}": action for phrase, action in PHRASES.items()}


DOING: dict[Action, str] = {
    "pause": "pause",
    "resume": "go on",
    "next": "go to the next exercise",
    "back": "go back",
    "repeat": "repeat the exercise",
    "stop": "stop the session",
    "time": "say the time left",
}
"""What obeying it does, for `listen-test`."""


CONFIRM_WITHIN_S = 8.0
"""A command heard but not surely draws the soft tone; said again within this long of its end
and heard as the same action, not surely either, it is obeyed: the person was asked to say it
again and did, and the two hearings agree. Reasoned, not tuned (the tone, a person's reaction,
the decision, with room to spare); scripts/kws_repeat.py measures what it gains and risks."""
EVEN_ODDS = 0.5
"""Each of the two hearings must be at least this likely: at a calibrated sensitivity the coach
asks again from far lower (0.09 at the highest calibration stores), and two such guesses
agreeing are still guesses."""


@dataclass
class SaidAgain:
    """The doubt the person was last asked to settle, kept by the session and by `listen-test`
    alike, so that what listen-test shows is what a session would do.

    Never for 'go on': resuming is the one action a wrong hearing makes unsafe (a person who
    paused, perhaps in pain, must not be started again by two guesses); after a pause by voice
    it has its own benefit of the doubt, and a pause by key is ended by the key."""

    doubted: tuple[Action, float, float] | None = None
    """The action last heard not surely (the person was asked again), when its saying ended
    (seconds), and how likely it was."""

    def confirms(self, action: Action, said_from: float, probability: float) -> bool:
        """Whether a doubtful `action` said from `said_from` is the doubt said again: a saying
        that starts after the doubted one ended (a recogniser that hears one saying twice, as
        PocketSphinx's grammar may when a sound follows it, does not confirm itself)."""
        if self.doubted is None or action == "resume" or probability < EVEN_ODDS:
            return False
        doubted, ended, before = self.doubted
        return (
            doubted == action and before >= EVEN_ODDS and 0 <= said_from - ended <= CONFIRM_WITHIN_S
        )

    def asked(self, action: Action, said_to: float, probability: float) -> None:
        self.doubted = (action, said_to, probability)

    def settled(self) -> None:
        """A command was obeyed (said or keyed): any doubt before it is over."""
        self.doubted = None
