"""The session's states and their transitions, as a table: state x action -> next state and what
the transport is told (fast: a fake transport that only writes down its orders).

The fake plan has three chapters at 100 samples a second: chapter 0 from 0, chapter 1 from 1000,
and chapter 2 not planned yet (unless a row plans it, from 2000).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

import pytest

from voice_coach.listening.commands import ACKNOWLEDGEMENT, KEY_OF, PHRASES, Action, phrases
from voice_coach.listening.listener import Command
from voice_coach.playback.commands_in import Listening, Voice, action_of_key
from voice_coach.playback.states import (
    Machine,
    Paused,
    Playing,
    State,
    Telling,
    Then,
    Waiting,
)

RATE = 100
TWO = {0: 0, 1: 1000}
"""The first two chapters planned, the third not yet."""
ALL = {0: 0, 1: 1000, 2: 2000}

Told = tuple[object, ...]


class FakeTransport:
    chapters = 3
    sample_rate = RATE

    def __init__(self, planned: dict[int, int], at: int, in_preamble: bool = False) -> None:
        self.planned = planned
        self.at = at
        """Where the sound is (and where a stop leaves it)."""
        self.preamble = in_preamble
        self.told: list[Told] = []

    def chapter_start(self, index: int) -> int | None:
        return self.planned.get(index)

    def chapter_at(self, position: int) -> int:
        starts = [self.planned[i] for i in sorted(self.planned)]
        return max(0, bisect.bisect_right(starts, position) - 1)

    def time_left(self, position: int) -> str:
        return f"Time left at {position}."

    def answer(self, text: str) -> bytes:
        self.told.append(("answer", text))
        return text.encode()

    def play(self, position: int, preamble: bytes = b"") -> None:
        self.told.append(("play", position, preamble.decode()))

    def say(self, answer: bytes, position: int) -> None:
        self.told.append(("say", answer.decode(), position))

    def stop(self) -> int:
        self.told.append(("stop",))
        return self.at

    def position(self) -> int:
        return self.at

    def in_preamble(self) -> bool:
        return self.preamble


@dataclass(frozen=True)
class Row:
    state: State
    action: Action
    position: int
    """Where the sound is when the person asks (for a still state, where it stands)."""
    then: State
    told: tuple[Told, ...] = ()
    ends: Then = Then.GO_ON
    words: str = ""
    planned: tuple[tuple[int, int], ...] = tuple(TWO.items())


PLAYING, TELLING = Playing(), Telling(1500)
PAUSED = Paused(1200)
WAITING, WAITING_PAUSED = Waiting(2, 1200), Waiting(2, 1200, paused=True)
STOP: Told = ("stop",)
ALL_PLANNED = tuple(ALL.items())


def made(words: str) -> Told:
    """The words made into sound (a tone, a breath, the words)."""
    return ("answer", words)


def play(at: int, words: str = "") -> Told:
    """The session played from `at`, after `words`."""
    return ("play", at, words)


def say(words: str, at: int) -> Told:
    """`words` said alone, the session still at `at`."""
    return ("say", words, at)


T15, T12 = "Time left at 1500.", "Time left at 1200."

KEYS = [
    # Playing at 1500: 5 s into chapter 1, whose successor is not planned yet.
    Row(PLAYING, "pause", 1500, Paused(1500), (STOP,)),
    Row(PLAYING, "resume", 1500, PLAYING),
    Row(PLAYING, "next", 1500, Waiting(2, 1500), (STOP,)),
    Row(PLAYING, "next", 500, PLAYING, (STOP, play(1000))),
    Row(PLAYING, "next", 2500, PLAYING, ends=Then.END, planned=ALL_PLANNED),  # the last
    Row(PLAYING, "back", 1500, PLAYING, (STOP, play(1000))),  # late: restarts
    Row(PLAYING, "back", 1100, PLAYING, (STOP, play(0))),  # early: the one before
    Row(PLAYING, "back", 200, PLAYING, (STOP, play(0))),  # the first: restarts
    Row(PLAYING, "repeat", 1500, PLAYING, (STOP, play(1000))),
    Row(PLAYING, "time", 1500, Telling(1500), (made(T15), STOP, play(1500, T15))),
    Row(PLAYING, "stop", 1500, Paused(1500), (STOP,), Then.END),
    # Telling acts as Playing does.
    Row(TELLING, "pause", 1500, Paused(1500), (STOP,)),
    Row(TELLING, "resume", 1500, TELLING),
    Row(TELLING, "next", 1500, Waiting(2, 1500), (STOP,)),
    Row(TELLING, "back", 1500, PLAYING, (STOP, play(1000))),
    Row(TELLING, "repeat", 1500, PLAYING, (STOP, play(1000))),
    Row(TELLING, "time", 1500, Telling(1500), (made(T15), STOP, play(1500, T15))),
    Row(TELLING, "stop", 1500, Paused(1500), (STOP,), Then.END),
    # Paused at 1200: 2 s into chapter 1. Nothing sounds, so nothing is stopped.
    Row(PAUSED, "pause", 1200, PAUSED),
    Row(PAUSED, "resume", 1200, PLAYING, (play(1200),)),
    Row(PAUSED, "next", 1200, WAITING_PAUSED),
    Row(PAUSED, "back", 1200, Paused(0)),
    Row(PAUSED, "repeat", 1200, Paused(1000)),
    Row(PAUSED, "time", 1200, PAUSED, (made(T12), say(T12, 1200))),
    Row(PAUSED, "stop", 1200, PAUSED, ends=Then.END),
    # Waiting for chapter 2, silent at 1200.
    Row(WAITING, "pause", 1200, WAITING_PAUSED),
    Row(WAITING, "resume", 1200, WAITING),
    Row(WAITING, "next", 1200, WAITING, ends=Then.END),  # it waits for the last one
    Row(WAITING, "back", 1200, PLAYING, (play(1000),)),
    Row(WAITING, "repeat", 1200, WAITING),
    Row(WAITING, "time", 1200, WAITING, (made(T12), say(T12, 1200))),
    Row(WAITING, "stop", 1200, WAITING_PAUSED, ends=Then.END),
    # Waiting, and paused meanwhile.
    Row(WAITING_PAUSED, "pause", 1200, WAITING_PAUSED),
    Row(WAITING_PAUSED, "resume", 1200, WAITING),
    Row(WAITING_PAUSED, "next", 1200, WAITING_PAUSED, ends=Then.END),
    Row(WAITING_PAUSED, "back", 1200, Paused(1000)),
    Row(WAITING_PAUSED, "repeat", 1200, WAITING_PAUSED),
    Row(WAITING_PAUSED, "time", 1200, WAITING_PAUSED, (made(T12), say(T12, 1200))),
    Row(WAITING_PAUSED, "stop", 1200, WAITING_PAUSED, ends=Then.END),
]

END, LAST = Then.END, Then.END_AFTER_WORDS
SPOKEN = [
    # Words go before the session where it plays on from, else they are said in place. Pause
    # and stop silence first and make their words after; any other answer is made first.
    Row(PLAYING, "pause", 1500, Paused(1500), (STOP, made("P."), say("P.", 1500)), words="P."),
    Row(PAUSED, "pause", 1200, PAUSED, words="P."),  # already paused: not a word
    Row(PAUSED, "resume", 1200, Telling(1200), (made("G."), play(1200, "G.")), words="G."),
    Row(PLAYING, "resume", 1500, PLAYING, words="G."),
    Row(WAITING_PAUSED, "resume", 1200, WAITING, (made("G."), say("G.", 1200)), words="G."),
    Row(PLAYING, "next", 500, Telling(1000), (made("N."), STOP, play(1000, "N.")), words="N."),
    Row(PLAYING, "next", 1500, Waiting(2, 1500), (made("N."), STOP, say("N.", 1500)), words="N."),
    Row(PAUSED, "repeat", 1200, Paused(1000), (made("A."), say("A.", 1000)), words="A."),
    Row(WAITING, "back", 1200, Telling(1000), (made("B."), play(1000, "B.")), words="B."),
    # The last exercise: "next" ends the session; its word is started where the session is.
    Row(WAITING, "next", 1200, WAITING, (made("N."), say("N.", 1200)), END, "N."),
    Row(
        PLAYING,
        "next",
        2500,
        Telling(2500),
        (made("N."), STOP, play(2500, "N.")),
        END,
        "N.",
        ALL_PLANNED,
    ),
    Row(PLAYING, "stop", 1500, Paused(1500), (STOP, made("S."), say("S.", 1500)), LAST, "S."),
    Row(WAITING, "stop", 1200, WAITING_PAUSED, (made("S."), say("S.", 1200)), LAST, "S."),
]


def act(row: Row) -> tuple[State, list[Told], Then]:
    transport = FakeTransport(dict(row.planned), row.position)
    machine = Machine(transport, row.state)
    then = machine.act(row.action, row.position, row.words)
    return machine.state, transport.told, then


@pytest.mark.parametrize("row", KEYS + SPOKEN, ids=lambda r: f"{r.state}-{r.action}-{r.words}")
def test_each_state_and_action_goes_to_its_state_and_tells_the_transport(row: Row) -> None:
    assert act(row) == (row.then, list(row.told), row.ends)


def test_the_key_table_covers_every_state_and_action() -> None:
    states = {PLAYING, TELLING, PAUSED, WAITING, WAITING_PAUSED}
    actions = set(KEY_OF)
    assert {(r.state, r.action) for r in KEYS} == set(itertools.product(states, actions))


@pytest.mark.parametrize(
    ("state", "planned", "preamble", "then", "told"),
    [
        (WAITING, TWO, False, WAITING, []),  # not planned yet: still waiting
        (WAITING, ALL, False, PLAYING, [play(2000)]),  # planned: plays from its start
        (WAITING_PAUSED, ALL, False, Paused(2000), []),  # planned, but paused: stays so, there
        (TELLING, TWO, True, TELLING, []),  # the words still play
        (TELLING, TWO, False, PLAYING, []),  # the words are over: plain playing
        (PLAYING, ALL, False, PLAYING, []),
        (PAUSED, ALL, False, PAUSED, []),
    ],
)
def test_a_tick_follows_the_plan_and_the_words(
    state: State, planned: dict[int, int], preamble: bool, then: State, told: list[Told]
) -> None:
    transport = FakeTransport(planned, 1500, in_preamble=preamble)
    machine = Machine(transport, state)
    machine.tick()
    assert (machine.state, transport.told) == (then, told)


def test_paused_and_waiting_are_asked_of_the_state() -> None:
    states = (PLAYING, TELLING, PAUSED, WAITING, WAITING_PAUSED)
    facts = [(s.playing, s.paused, s.waiting_for) for s in states]
    assert facts == [
        (True, False, None),
        (True, False, None),
        (False, True, None),
        (False, False, 2),
        (False, True, 2),
    ]


def without_words(told: list[Told]) -> list[Told]:
    """The orders with the words taken out: no answer made or said, no preamble."""
    kept = [t for t in told if t[0] not in ("answer", "say")]
    return [("play", t[1], "") if t[0] == "play" else t for t in kept]


def where(state: State, told: list[Told]) -> object:
    """Where the session is after a transition: still somewhere, or playing on from a sample
    (None: on from where it was)."""
    if not state.playing:
        return state
    plays = [t[1] for t in told if t[0] == "play"]
    return ("playing", plays[-1] if plays else None)


@pytest.mark.parametrize("state", [PLAYING, TELLING, PAUSED, WAITING, WAITING_PAUSED])
@pytest.mark.parametrize("action", list(KEY_OF))
@pytest.mark.parametrize("position", [500, 1100, 1500, 2500])
def test_a_key_and_its_spoken_command_do_the_same_but_for_the_words(
    state: State, action: Action, position: int
) -> None:
    """Both are read into the same action (below); acted on with the spoken command's words, it
    goes to the same place and tells the transport the same, the words aside."""
    if isinstance(state, Paused | Waiting):
        position = state.at
    quiet = act(Row(state, action, position, PLAYING, planned=ALL_PLANNED))
    said = act(Row(state, action, position, PLAYING, words="Heard.", planned=ALL_PLANNED))
    if action == "next" and quiet[2] is Then.END and state.playing:
        # The one difference: ending on the last exercise, the key says nothing, and the
        # command's word is started where the session is (and cut off as it ends).
        assert quiet[:2] == (state, [])
        assert said == (
            Telling(position),
            [("answer", "Heard."), STOP, ("play", position, "Heard.")],
            Then.END,
        )
        return
    assert said[2] == (Then.END_AFTER_WORDS if action == "stop" else quiet[2])
    assert where(said[0], said[1]) == where(quiet[0], quiet[1])
    assert without_words(said[1]) == without_words(quiet[1])
    heard = [t for t in said[1] if t[0] == "answer" and "Heard." in str(t[1])]
    assert heard or said[1] == quiet[1] == []  # said, unless there was nothing to do


def test_keys_and_spoken_commands_are_read_into_the_same_actions() -> None:
    for action, key in KEY_OF.items():
        assert action_of_key(key, paused=action == "resume") == action
        assert action_of_key(key.upper(), paused=action == "resume") == action
    assert action_of_key(" ", paused=False) == "pause"
    assert action_of_key(" ", paused=True) == "resume"
    assert action_of_key("v", paused=False) is None  # the screen's own key
    assert action_of_key("x", paused=False) is None

    class Heard:
        problem = None

        def __init__(self, commands: list[Command]) -> None:
            self.commands = commands

        def poll(self) -> list[Command]:
            return self.commands

        def close(self) -> None:
            pass

    now = 10.0
    commands = [Command(a, p, now - 1, now) for p, a in phrases("coach").items()]
    voice = Voice(Listening(Heard(commands), "coach"), lambda: now)
    heard = list(voice.heard())
    assert [a for a, _ in heard] == list(PHRASES.values())
    assert all(w == ACKNOWLEDGEMENT[a].format(wake="coach") for a, w in heard)
    assert voice.line() == f"Heard: {commands[-1].phrase}"

    voice = Voice(Listening(Heard(commands[:1]), "coach"), lambda: now)
    voice.note(True)  # the coach was speaking while the command was said: not obeyed
    assert list(voice.heard()) == []
    assert voice.line() == "Heard: coach pause (ignored: the coach was speaking)"
    trusted = Voice(Listening(Heard(commands[:1]), "coach", over_speech=True), lambda: now)
    trusted.note(True)
    assert list(trusted.heard()) == [("pause", ACKNOWLEDGEMENT["pause"].format(wake="coach"))]


def test_a_command_that_ends_the_session_leaves_the_rest_unread() -> None:
    class Heard:
        problem = None

        def poll(self) -> list[Command]:
            return [Command("stop", "coach stop", 0, 1), Command("next", "coach next", 0, 1)]

        def close(self) -> None:
            pass

    voice = Voice(Listening(Heard()), lambda: 5.0)
    for action, _ in voice.heard():
        assert action == "stop"
        break
    assert voice.line() == "Heard: coach stop"
