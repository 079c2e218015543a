"""Spoken commands from a stream of microphone audio, offline, with PocketSphinx.

Keyword spotting barely fires on short commands and a grammar always answers something, so
the recogniser works in steps, each cheap:
1. the segmenter cuts the stream into utterances, and only short ones (a command takes one or
   two seconds, an ordinary sentence longer) go on;
2. a small grammar of "<wake word> <command>" finds the command that fits best;
3. that command alone is aligned to the audio for its acoustic score, and the same audio
   decoded as free phones gives the best any speech could fit;
4. a small logistic model (confidence.py) weighs what was measured (that score against the
   free phones', the phones and their pace, the length, the grammar's margin over a command
   for another action, the level above the room) into one confidence; `sensitivity` moves the
   cut. A close call between two actions is never obeyed; a command just under the cut is
   `unsure` (the coach asks for it again).
The model was fitted on one set of voices and checked on others it never heard
(scripts/fit_listening.py, scripts/listening_bench.py).
PocketSphinx ships its US English model and dictionary in its wheel: nothing is downloaded,
and the audio never leaves this process.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from voice_coach.errors import UserError
from voice_coach.journal import settings
from voice_coach.listening import confidence
from voice_coach.listening.commands import PHRASES, Action, phrases
from voice_coach.listening.microphone import RATE
from voice_coach.listening.utterances import FRAME, LEAD_FRAMES, Segmenter, Utterance
from voice_coach.model import DEFAULT_WAKE_WORD

INSTALL_HINT = "install it with: .venv/bin/pip install pocketsphinx (or run scripts/setup.sh)"
DEFAULT_SENSITIVITY = confidence.DEFAULT_SENSITIVITY
MARGIN = 0.01
"""How much better (in the n-best list's scores) the best command must fit than any for
another action: a close call is a miss, not a wrong action."""
NBEST = 30
JOIN_S = 1.2
"""Two utterances this close may be one command said with a pause after the wake word."""
RECENT_S = 6
MIN_S = 0.8
MAX_S = 2.6
"""Utterances outside these lengths are not commands."""


@dataclass(frozen=True)
class Heard:
    """One utterance the recogniser looked at, whether or not it was a command."""

    phrase: str
    """What the grammar made of it ("coach pause"), even when rejected."""
    action: Action | None
    """None: not a command (too long, too short, or too unlike one)."""
    score: float
    start: int
    end: int
    """Samples (at RATE) from the start of listening."""
    phones: int = 0
    """How many phones free decoding heard in it."""
    margin: float = 0.0
    """How much better the command fits than the best one for another action (the finder's
    n-best scores; inf when no other action is in the list)."""
    level: float = 0.0
    """How far it stood above the room's noise floor (dB)."""
    confidence: float = 0.0
    """How likely it is to be the command it sounds like (0 to 1), by confidence.py."""
    unsure: Action | None = None
    """A command heard, but not surely enough to obey (`action` is then None): the coach asks
    for it again, and after a pause by voice takes a 'go on' this close."""
    odds: float = -math.inf
    """The confidence as log-odds, on the recogniser's own `scale` (what calibration moves)."""
    lead: int = LEAD_FRAMES * FRAME
    """How much of the room comes before the speech (the segmenter keeps some)."""

    @property
    def onset(self) -> int:
        """Where the speech itself starts."""
        return min(self.start + self.lead, self.end)

    @property
    def seconds(self) -> float:
        return (self.end - self.start) / RATE


def _pocketsphinx() -> Any:
    try:
        import pocketsphinx
    except ImportError:
        raise UserError(
            "voice commands need PocketSphinx, which is not installed", hint=INSTALL_HINT
        ) from None
    return pocketsphinx


def known_words() -> frozenset[str]:
    """The words the recogniser's dictionary knows (a wake word must be one of them); not its
    second pronunciations ("a(2)"), which are no words to say."""
    model = Path(_pocketsphinx().get_model_path()) / "en-us" / "cmudict-en-us.dict"
    with model.open(encoding="utf-8") as lines:
        return frozenset(w for line in lines if (w := line.split(" ", 1)[0]).isalpha())


COMMAND_WORDS = frozenset(word for phrase in PHRASES for word in phrase.split())
"""A wake word with one of these in it would make a command of a command word said alone
("stop" as the wake word heard "stop" as "stop back")."""


_EVERYDAY = (
    "a an the and or but so if i it is am are was be to of in at by for with as me my we you "
    "he she they them his her its our your this that there yes no not oh ah um uh er hey hi "
    "okay ok well now then just do"
)
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())
"""Words said in nearly every sentence: a wake word made only of them would start a command in
ordinary talk ("the back of your leg")."""


def check_wake_word(wake_word: str) -> str:
    """The wake word in the recogniser's spelling, or ValueError saying what it must be."""
    wake = " ".join(wake_word.lower().split())
    known = known_words()
    unknown = [w for w in wake.split() if w not in known]
    if not wake or unknown or len(wake) > 40 or len(wake.split()) > 2:
        raise ValueError("one or two common English words the recogniser knows, e.g. coach")
    if COMMAND_WORDS & set(wake.split()):
        raise ValueError("a word that is not in a command (pause, wait, go on, ...), e.g. coach")
    if set(wake.split()) <= EVERYDAY_WORDS:
        raise ValueError(
            "a word people do not say in every sentence (not 'the' or 'yes'), e.g. coach"
        )
    return wake


def checked_wake_word(wake_word: str) -> str:
    """A wake word being set (`config set listen_wake_word`), checked by the stage that knows
    the words: one line naming the setting and the fix when it cannot listen for it."""
    try:
        return check_wake_word(wake_word)
    except ValueError as exc:
        raise UserError(
            f"'{wake_word}' cannot be the wake word: it must be {exc}",
            where="listen_wake_word",
            hint="voice-coach config set listen_wake_word coach",
        ) from None


def stored_wake_word() -> str:
    """The wake word as the settings file holds it, checked before listening starts: a file
    edited by hand is one line naming it and the key, never a fault deep in the recogniser."""
    wake_word = settings.preferences().listen_wake_word
    try:
        return check_wake_word(wake_word)
    except ValueError as exc:
        raise settings.bad_entry(
            "listen_wake_word", f"'{wake_word}' cannot be the wake word: it must be {exc}"
        ) from None


class Recogniser:
    """Feed it 16 kHz mono s16le audio in any pieces; it yields each utterance it judged."""

    def __init__(
        self, wake_word: str = DEFAULT_WAKE_WORD, sensitivity: float = DEFAULT_SENSITIVITY
    ) -> None:
        ps = _pocketsphinx()
        self.scale = confidence.GRAMMAR
        self.wake = checked_wake_word(wake_word)
        self.phrases = phrases(self.wake)
        self.needed = self.scale.needed(sensitivity)
        """The log-odds a command's confidence must reach."""
        model = Path(ps.get_model_path()) / "en-us"
        self.segmenter = Segmenter()
        self.fed = 0
        self.recent = bytearray()
        """The last RECENT_S seconds fed, to join an utterance to the one before."""
        self.previous: Utterance | None = None
        self.adapted = False
        """The decoders normalise the sound by a running mean of what they heard, which starts
        at the model's guess, far from a real microphone's level: the first command ever was
        decoded much worse than later ones until they heard one utterance first."""
        choices = " | ".join(sorted({p[len(self.wake) + 1 :] for p in self.phrases}))
        grammar = f"#JSGF V1.0;\ngrammar commands;\npublic <command> = {self.wake} ( {choices} );\n"
        common = {"samprate": RATE, "loglevel": "FATAL", "dither": True}
        # Searching without the lattice pass: with it, the low silence probability of that
        # rescoring made the best path stop at "coach" for 17 of 200 commands.
        self.finder = ps.Decoder(jsgf=False, bestpath=False, **common)
        self.finder.add_jsgf_string("commands", grammar)
        self.finder.activate_search("commands")
        # The finder's scores are on another scale than the free phones', so the command it
        # found is aligned again alone; silence may end it (otherwise the last word is
        # stretched to the end and the alignment fails).
        self.aligner = ps.Decoder(jsgf=False, silprob=0.1, **common)
        for number, phrase in enumerate(sorted(self.phrases)):
            self.aligner.add_jsgf_string(
                _search(phrase), f"#JSGF V1.0;\ngrammar c{number};\npublic <c> = {phrase};\n"
            )
        self.aligner.activate_search(_search(min(self.phrases)))
        self.phones = ps.Decoder(allphone=str(model / "en-us-phone.lm.bin"), **common)

    def restart(self) -> None:
        """Begin a new stream (the models stay adapted to the microphone): the calibration
        between two prompts, the bench between two recordings."""
        self.segmenter = Segmenter()
        self.previous = None
        self.recent.clear()
        self.fed = 0

    def feed(self, pcm: bytes) -> Iterator[Heard]:
        self.fed += len(pcm) // 2
        self.recent += pcm
        del self.recent[: max(0, len(self.recent) - RECENT_S * RATE * 2)]
        first = self.fed - len(self.recent) // 2  # the sample `recent` begins with
        for utterance in self.segmenter.feed(pcm):
            heard = self.judge(utterance.pcm, utterance.start, utterance.level)
            previous, self.previous = self.previous, utterance
            close = previous is not None and utterance.start - previous.end <= JOIN_S * RATE
            if previous is not None and close and previous.start >= first:
                # "Coach ... pause": the wake word and the command may come as two utterances
                joined = self.recent[(previous.start - first) * 2 : (utterance.end - first) * 2]
                level = max(previous.level, utterance.level)
                both = self.judge(bytes(joined), previous.start, level)
                if both is not None and (heard is None or both.phrase in self.phrases):
                    heard = both
            if heard is not None:
                yield heard

    def _margin(self, best: str) -> float:
        """How much better the best command fits than the best one that does something else
        (ambiguity between two actions is a miss, not a wrong action)."""
        hypothesis = self.finder.hyp()
        other = _runner_up(self.finder, self.phrases, best)
        return math.inf if other is None or hypothesis is None else hypothesis.score - other

    def judge(self, pcm: bytes, start: int, level: float = 0.0) -> Heard | None:
        """What one utterance was; None when it is too short to be anything."""
        heard = self.measure(pcm, start, level)
        return None if heard is None else self.decide(heard)

    def decide(self, heard: Heard) -> Heard:
        return decide(heard, self.phrases, self.needed)

    def measure(self, pcm: bytes, start: int, level: float = 0.0) -> Heard | None:
        """What the decoders make of one utterance, not yet decided on."""
        seconds = len(pcm) / 2 / RATE
        if seconds < MIN_S:
            return None
        end = start + len(pcm) // 2
        if seconds > MAX_S:
            return Heard("", None, float("-inf"), start, end)
        if not self.adapted:  # the first time: let every decoder learn the level first
            self.adapted = True
            for decoder in (self.finder, self.aligner, self.phones):
                _decode(decoder, pcm)
        phrase, _, _ = _decode(self.finder, pcm)
        if phrase not in self.phrases:  # the grammar could not make a whole command of it
            return Heard(phrase, None, float("-inf"), start, end)
        margin = self._margin(phrase)
        self.aligner.activate_search(_search(phrase))
        aligned, fitted, frames = _decode(self.aligner, pcm)
        if aligned != phrase:  # the command does not fit this audio from end to end
            return Heard(phrase, None, float("-inf"), start, end)
        phones, free, _ = _decode(self.phones, pcm)
        score = (fitted - free) / max(frames, 1)
        count = sum(1 for phone in phones.split() if phone != "SIL")
        return Heard(phrase, None, score, start, end, count, margin, level)


def decide(heard: Heard, phrases: Mapping[str, Action], needed: float) -> Heard:
    """Whether to obey what was measured: the command's confidence (a model fitted on other
    voices, confidence.py) against the log-odds the sensitivity asks (`needed`); a close call
    between two actions is never obeyed. One not quite sure enough is `unsure`."""
    undecided = replace(heard, action=None, unsure=None, confidence=0.0, odds=-math.inf)
    if heard.phrase not in phrases or heard.score == -math.inf:
        return undecided
    odds = confidence.log_odds(heard)
    sure = replace(undecided, confidence=confidence.probability(odds), odds=odds)
    if heard.margin < MARGIN or odds < needed - confidence.DOUBT:
        return sure
    if odds >= needed:
        return replace(sure, action=phrases[heard.phrase])
    return replace(sure, unsure=phrases[heard.phrase])


def _search(phrase: str) -> str:
    return "only_" + phrase.replace(" ", "_")


def _runner_up(decoder: Any, phrases: Mapping[str, Action], best: str) -> float | None:
    """The score of the best command for another action in the decoder's n-best list, if it
    has one ("wait" for "pause" is no confusion: both pause)."""
    for hypothesis in itertools.islice(decoder.nbest(), NBEST):
        if hypothesis is None:  # the list can hold empty entries
            continue
        text = " ".join(hypothesis.hypstr.split())
        if text in phrases and phrases[text] != phrases[best]:
            return float(hypothesis.score)
    return None


def _decode(decoder: Any, pcm: bytes) -> tuple[str, float, int]:
    """The hypothesis, its acoustic log-likelihood (natural log) and its frames.

    PocketSphinx gives each segment's acoustic score as a likelihood relative to the best
    senone of each frame, so a perfect fit is 0 and a poor one far below."""
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    segments = list(decoder.seg() or ())
    acoustic = sum(math.log(max(s.ascore, 1e-300)) for s in segments)
    frames = sum(s.end_frame - s.start_frame + 1 for s in segments)
    text = " ".join(hypothesis.hypstr.split()) if hypothesis else ""
    return text, acoustic, frames
