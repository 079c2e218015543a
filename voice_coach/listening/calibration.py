"""`listen-test --calibrate`: the person says each command twice, and the sensitivity is set from
their own voice.

The confidence model was fitted on synthetic voices; a real person may sound surer or less sure
to it. So the coach asks for every command twice, sees how sure it was of each, and sets
`listen_sensitivity` as low as catches them all (the lower, the fewer false actions), but never
so high that one command would have been taken for another. The trained classifier then hears
the same answers again with each voice fit (`kws.FITS`: the voice moved across its bands, for a
vocal tract unlike the voices it learned from) and keeps the fit that obeys the most of them.
The audio stays in memory while the calibration runs; nothing is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

from voice_coach.listening import confidence
from voice_coach.listening.commands import PHRASES, Action, phrases
from voice_coach.listening.confidence import DEFAULT_SENSITIVITY
from voice_coach.listening.microphone import PERIOD, RATE
from voice_coach.listening.recogniser import MARGIN, Heard

TIMES = 2
PROMPT_S = 6.0
"""How long each prompt waits for the command."""
SLACK = 0.25
"""The sensitivity is set this much (log-odds) beyond the least sure command caught, so that
the same command said a little less clearly is still caught."""
LOWEST, HIGHEST = 0.2, 1.0
"""The range the calibration listens over (below 0.2 even a clear voice is missed); what it
stores stops at the recogniser's own ceiling (`Scale.ceiling`)."""


class Source(Protocol):
    def read(self) -> bytes: ...


class Hears(Protocol):
    def feed(self, pcm: bytes) -> Iterable[Heard]: ...

    def restart(self) -> None: ...


@dataclass
class Calibration:
    wake_word: str
    scale: confidence.Scale = confidence.GRAMMAR
    """The recogniser's: how its sensitivity moves the confidence a command needs."""
    heard: dict[str, list[Heard | None]] = field(default_factory=dict)
    """For each command (as said after the wake word), what was heard each time it was asked
    for (None: nothing that sounded like a command)."""
    fit: int = 0
    """The voice fit the answers were heard with (`kws.FITS`; the grammar has none)."""
    sound: dict[str, list[bytes]] = field(default_factory=dict, repr=False)
    """What each answer sounded like, in memory only, to hear it again with another fit."""
    unfitted: int | None = None
    """Once another fit was chosen: how many answers the stored fit would have obeyed."""
    before: int = 0
    """Once another fit was chosen: the stored fit, which the answers were first heard with."""

    def right(self) -> list[float]:
        """The log-odds of each time the command asked for was heard as itself."""
        return self._odds(as_asked=True)

    def wrong(self) -> list[float]:
        """The log-odds of each time a command was heard as one for another action."""
        return self._odds(as_asked=False)

    def _odds(self, as_asked: bool) -> list[float]:
        table = phrases(self.wake_word)
        return [
            h.odds
            for phrase, said in self.heard.items()
            for h in said
            if h is not None
            and h.phrase in table
            and (table[h.phrase] == PHRASES[phrase]) == as_asked
        ]

    def sensitivity(self, current: float, ceiling: float | None = None) -> float | None:
        """The sensitivity that catches every command heard as itself, unless that would take
        one for another (then just below where it would), and never over `ceiling` (the
        scale's own if None); None if none was heard as itself."""
        right = self.right()
        if not right:
            return None
        catches = self.scale.sensitivity_for(min(right) - SLACK)
        wrong = self.wrong()
        if wrong:
            catches = min(catches, self.scale.sensitivity_for(max(wrong) + SLACK))
        top = self.scale.ceiling if ceiling is None else ceiling
        return round(min(max(catches, LOWEST), top), 2)

    def obeyed(self) -> int:
        """How many answers would be obeyed as asked at the sensitivity this would store."""
        chosen = self.sensitivity(DEFAULT_SENSITIVITY)
        return -1 if chosen is None else sum(self.caught(p, chosen) for p in self.heard)

    def caught(self, phrase: str, sensitivity: float) -> int:
        """How many times `phrase` would have been obeyed as itself at `sensitivity`."""
        table = phrases(self.wake_word)
        return sum(
            1
            for h in self.heard.get(phrase, [])
            if h is not None
            and table.get(h.phrase) == PHRASES[phrase]
            and h.margin >= MARGIN
            and h.odds >= self.scale.needed(sensitivity)
        )


def listen_once(
    source: Source,
    recogniser: Hears,
    expected: Action,
    wake_word: str,
    clock: Callable[[], float] = time.monotonic,
    seconds: float = PROMPT_S,
    kept: bytearray | None = None,
) -> Heard | None:
    """What the person said in answer to one prompt: the first utterance the grammar made a
    command of (the one asked for, if several), within `seconds`; `kept` gets the sound."""
    table = phrases(wake_word)
    recogniser.restart()
    end = clock() + seconds
    found: Heard | None = None
    while clock() < end:
        pcm = source.read()
        if not pcm:
            time.sleep(PERIOD / RATE / 2)
            continue
        if kept is not None:
            kept += pcm
        for heard in recogniser.feed(pcm):
            if heard.phrase not in table:
                continue
            if table[heard.phrase] == expected:
                return heard
            found = found or heard
        if found is not None:
            return found
    return found


def calibrate(
    source: Source,
    recogniser: Hears,
    result: Calibration,
    clock: Callable[[], float] = time.monotonic,
    keep: bool = False,
) -> Iterator[str]:
    """Prompt for each command TIMES times, filling `result`: yields each prompt's line as it
    comes, then what was heard. `keep`: the answers' sound too (in memory, for `best_fit`)."""
    wake_word = result.wake_word
    for phrase, action in PHRASES.items():
        result.heard[phrase] = []
        result.sound[phrase] = []
        for time_ in range(1, TIMES + 1):
            yield f'Say "{wake_word}, {phrase}" ({time_} of {TIMES})'
            sound = bytearray() if keep else None
            heard = listen_once(source, recogniser, action, wake_word, clock, kept=sound)
            result.heard[phrase].append(heard)
            if sound is not None:
                result.sound[phrase].append(bytes(sound))
            yield f"  {_what(heard, phrase, wake_word)}"


class Replay:
    """A kept answer as a microphone gives it: in pieces, then silence, on a clock of its own
    (hearing it again takes no six seconds)."""

    def __init__(self, pcm: bytes) -> None:
        self.pcm = pcm
        self.at = 0

    def read(self) -> bytes:
        piece = self.pcm[self.at : self.at + PERIOD * 2]
        self.at += PERIOD * 2
        return piece + bytes(PERIOD * 2 - len(piece))

    def clock(self) -> float:
        return self.at / 2 / RATE


def best_fit(result: Calibration, hear: Callable[[int], Hears], fits: Iterable[int]) -> Calibration:
    """`result`, or the same answers heard again with another of `fits` (`hear` makes the
    recogniser for one) if that would obey more of them at the sensitivity it would store: of
    those, the one that obeys the most, then the one that stores the lower sensitivity (fewer
    false actions), then the smaller move. At as many, the stored fit stays (on the first two
    held-out sets, also taking a fit that obeyed as many at a lower sensitivity moved clear
    voices that lost commands by it, and missed more of the Czech people). The kept sound goes
    with the chosen one."""
    stored = _merit(result)
    best, merit = result, stored
    for fit in fits:
        if fit == result.fit:
            continue
        again = Calibration(result.wake_word, result.scale, fit=fit)
        recogniser = hear(fit)
        for phrase, action in PHRASES.items():
            again.heard[phrase] = []
            for sound in result.sound.get(phrase, []):
                replay = Replay(sound)
                heard = listen_once(replay, recogniser, action, result.wake_word, replay.clock)
                again.heard[phrase].append(heard)
        ranked = _merit(again)
        if ranked[0] > stored[0] and ranked > merit:
            best, merit = again, ranked
    if best is result:
        return result
    return replace(best, sound=result.sound, unfitted=max(result.obeyed(), 0), before=result.fit)


def _merit(result: Calibration) -> tuple[int, float, int]:
    """What `best_fit` ranks by; a fit that would obey none of the answers ranks with none heard
    (nothing to choose by: the stored fit stays)."""
    chosen, obeyed = result.sensitivity(DEFAULT_SENSITIVITY), result.obeyed()
    if chosen is None or obeyed <= 0:
        return (0, 0.0, 0)
    return (obeyed, -chosen, -abs(result.fit))


def _what(heard: Heard | None, phrase: str, wake_word: str) -> str:
    if heard is None:
        return "heard nothing like a command"
    sure = f"sure {confidence.probability(heard.odds):.0%}"
    if heard.phrase == f"{wake_word} {phrase}":
        return f"heard it ({sure})"
    if phrases(wake_word)[heard.phrase] == PHRASES[phrase]:
        return f'heard "{heard.phrase}", which does the same ({sure})'
    return f'heard "{heard.phrase}" instead ({sure})'


def summary(result: Calibration, current: float) -> Iterator[str]:
    """A line per command (caught at the sensitivity chosen), then the choice."""
    chosen = result.sensitivity(current)
    at = current if chosen is None else chosen
    for phrase in PHRASES:
        count = result.caught(phrase, at)
        yield f"{wake_phrase(result.wake_word, phrase):<18} caught {count} of {TIMES}"
    if chosen is None:
        yield "No command was heard as itself: is the microphone near you, and the room quiet?"
        return
    if chosen > DEFAULT_SENSITIVITY:
        yield (
            f"Above the default {DEFAULT_SENSITIVITY:g}, other people talking or a TV near the "
            "microphone set the coach off more often: if it acts when you did not ask, "
            "`voice-coach config unset listen_sensitivity` puts the default back."
        )
    if result.unfitted is not None:
        before = (
            "without the fit" if result.before == 0 else f"with the fit before ({result.before})"
        )
        yield (
            f"Fitted to your voice (listen_voice_fit {result.before} -> {result.fit}): "
            f"{result.obeyed()} of {TIMES * len(PHRASES)} answers would be obeyed, "
            f"{result.unfitted} {before}."
        )
    mistaken = len(result.wrong())
    if mistaken:
        yield (
            f"{mistaken} of {TIMES * len(PHRASES)} answers sounded like another command: the "
            "sensitivity is set so that none of them would be obeyed (say each command as "
            "asked, and run it again if that was not so)."
        )


def wake_phrase(wake_word: str, phrase: str) -> str:
    return f"{wake_word}, {phrase}"
