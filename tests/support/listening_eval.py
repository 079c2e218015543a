"""What the recogniser makes of the bench's material, kept as numbers so that any decision rule
(the hand-set limits, the fitted confidence) can be judged on the same utterances, on the voices
it was tuned on and on the voices held out.

Decoding is the slow part; its results are kept in `audio_cache/listening-bench/` under a key
made of the recogniser's own source, so a change to the recogniser decodes again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from support.many_voices import CACHE, Said
from voice_coach.listening import recogniser as recogniser_module
from voice_coach.listening import utterances as utterances_module
from voice_coach.listening.commands import Action, phrases
from voice_coach.listening.microphone import RATE
from voice_coach.listening.recogniser import Heard, Recogniser

ACTIONS = phrases("coach")
Decide = Callable[[Heard], "Action | None"]


@dataclass(frozen=True)
class Judged:
    """One recording and every utterance the recogniser judged in it."""

    phrase: str
    """The command said ("" in speech without one)."""
    voice: str
    noise: str
    heard: tuple[Heard, ...]
    end: int = 0
    """Where the command's words end (samples)."""


def _version() -> str:
    """The measuring code's own source: what is kept is what `measure` made, decided later."""
    r = recogniser_module
    parts = [inspect.getsource(utterances_module)]
    parts += [inspect.getsource(f) for f in (r.Recogniser.__init__, r.Recogniser.feed)]
    parts += [inspect.getsource(f) for f in (r.Recogniser.measure, r._decode, r._runner_up)]
    return hashlib.sha1("".join(parts).encode()).hexdigest()[:10]


def _load(path: Path) -> list[Judged] | None:
    if not path.exists():
        return None
    rows = json.loads(path.read_text())
    return [
        Judged(r["phrase"], r["voice"], r["noise"], tuple(Heard(**h) for h in r["heard"]), r["end"])
        for r in rows
    ]


def _save(path: Path, judged: list[Judged]) -> None:
    rows = [
        {**dataclasses.asdict(j), "heard": [dataclasses.asdict(h) for h in j.heard]} for j in judged
    ]
    path.write_text(json.dumps(rows))


class Measuring(Recogniser):
    """Measures every utterance and decides nothing: the bench decides later, by each rule."""

    def decide(self, heard: Heard) -> Heard:
        return heard


def judged_commands(name: str, said: Callable[[], Iterable[Said]]) -> list[Judged]:
    """Each recording judged on its own (a new stream, the models adapted)."""
    path = CACHE / f"judged-{name}-{_version()}.json"
    kept = _load(path)
    if kept is not None:
        return kept
    recogniser = Measuring()
    out = []
    for item in said():
        recogniser.restart()
        heard = tuple(recogniser.feed(item.pcm))
        out.append(Judged(item.phrase, item.voice, item.noise, heard, item.end))
    CACHE.mkdir(parents=True, exist_ok=True)
    _save(path, out)
    return out


def judged_speech(name: str, pcm: Callable[[], bytes]) -> tuple[list[Heard], float]:
    """Every utterance in a long recording without a command, and its length in hours."""
    path = CACHE / f"speech-{name}-{_version()}.json"
    kept = _load(path)
    if kept is None:
        audio = pcm()
        kept = [Judged("", name, "", tuple(Measuring().feed(audio)), len(audio) // 2)]
        CACHE.mkdir(parents=True, exist_ok=True)
        _save(path, kept)
    return list(kept[0].heard), kept[0].end / RATE / 3600


@dataclass
class Tally:
    said: int = 0
    caught: int = 0
    wrong: int = 0


def tally(
    judged: Iterable[Judged], decide: Decide, key: Callable[[Judged], str]
) -> dict[str, Tally]:
    """Caught (the action asked for) and taken for another action, per `key` and in all."""
    out: dict[str, Tally] = {}
    for item in judged:
        actions = [a for a in map(decide, item.heard) if a is not None]
        for name in (key(item), "all"):
            row = out.setdefault(name, Tally())
            row.said += 1
            row.caught += ACTIONS[f"coach {item.phrase}"] in actions
            row.wrong += any(a != ACTIONS[f"coach {item.phrase}"] for a in actions)
    return out


def false_actions(heard: Iterable[Heard], decide: Decide) -> list[Heard]:
    return [h for h in heard if decide(h) is not None]
