"""What the coach understands: the wake word, then one short command, each doing what a key does.

Several phrasings lead to one action, chosen to sound unlike each other and unlike the coach's own
cues ("next" is a command; the coach says "Next exercise" only inside its own speech, which is not
listened to by default).
"""

from __future__ import annotations

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
