"""The recogniser's rules on scores it is handed (fast: PocketSphinx replaced by decoders that
answer with scripted hypotheses and scores; test_listening_real.py hears real speech)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from voice_coach.listening import recogniser
from voice_coach.listening.recogniser import Recogniser


@dataclass
class Hypothesis:
    hypstr: str
    score: float = 0.0


@dataclass
class Segment:
    ascore: float
    start_frame: int
    end_frame: int


@dataclass
class Scores:
    """What the decoders make of the next utterance (frames of 10 ms: a 1.5 s utterance)."""

    phrase: str = "coach pause"
    best: float = -1000.0
    """The finder's score for `phrase` in its n-best list."""
    others: list[tuple[str, float]] = field(default_factory=list)
    """The other commands in the n-best list, with their scores."""
    fitted: float = -1.0
    """The command aligned alone: log-likelihood per frame."""
    free: float = 0.0
    """Free phone decoding: log-likelihood per frame."""
    phones: int = 6
    frames: int = 150


class Decoder:
    """One of the recogniser's three decoders, told apart by how it is made."""

    def __init__(self, scores: Scores, **config: object) -> None:
        self.scores = scores
        self.role = (
            "phones" if "allphone" in config else "aligner" if "silprob" in config else "finder"
        )
        self.search = ""

    def add_jsgf_string(self, name: str, grammar: str) -> None:
        pass

    def activate_search(self, name: str) -> None:
        self.search = name

    def start_utt(self) -> None:
        pass

    def process_raw(self, pcm: bytes, no_search: bool, full_utt: bool) -> None:
        pass

    def end_utt(self) -> None:
        pass

    def hyp(self) -> Hypothesis:
        s = self.scores
        if self.role == "finder":
            return Hypothesis(s.phrase, s.best)
        if self.role == "aligner":
            return Hypothesis(self.search.removeprefix("only_").replace("_", " "))
        return Hypothesis(" ".join(["SIL", *["AH"] * s.phones, "SIL"]))

    def seg(self) -> list[Segment]:
        per_frame = self.scores.fitted if self.role == "aligner" else self.scores.free
        frames = self.scores.frames
        return [Segment(math.exp(per_frame * frames), 0, frames - 1)]

    def nbest(self) -> list[Hypothesis]:
        return [Hypothesis(self.scores.phrase, self.scores.best)] + [
            Hypothesis(text, score) for text, score in self.scores.others
        ]


class PocketSphinx:
    """The module as the recogniser uses it: its model folder (a dictionary of a few words)
    and its decoders, all answering from one `Scores`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scores = Scores()
        (folder / "en-us").mkdir(parents=True)
        (folder / "en-us" / "cmudict-en-us.dict").write_text(
            "coach K OW CH\na(2) EY\na AH\nthe DH AH\nhey HH EY\noh OW\nyes Y EH S\n"
        )

    def get_model_path(self) -> str:
        return str(self.folder)

    def Decoder(self, **config: object) -> Decoder:
        return Decoder(self.scores, **config)


@pytest.fixture
def sphinx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PocketSphinx:
    fake = PocketSphinx(tmp_path / "model")
    monkeypatch.setattr(recogniser, "_pocketsphinx", lambda: fake)
    return fake


SAID = bytes(int(1.5 * 16000) * 2)
"""An utterance of a command's length (the decoders are told what they hear)."""


def test_a_close_call_between_two_actions_is_no_action(sphinx: PocketSphinx) -> None:
    listening = Recogniser("coach", 0.5)
    sphinx.scores.others = [("coach next", -1000.0 - 50)]  # next fits far worse: a clear pause
    assert listening.judge(SAID, 0).action == "pause"  # type: ignore[union-attr]
    sphinx.scores.others = [("coach next", -1000.0 - 0.005)]  # next fits almost as well
    heard = listening.judge(SAID, 0)
    assert heard is not None and heard.phrase == "coach pause" and heard.action is None
    assert heard.score == pytest.approx(-1.0)  # as good a fit as any: only the doubt refused it
    # Another phrasing of the same action fitting as well is no doubt at all.
    sphinx.scores.others = [("coach wait", -1000.0), ("coach next", -1000.0 - 50)]
    assert listening.judge(SAID, 0).action == "pause"  # type: ignore[union-attr]


def test_a_command_is_obeyed_only_when_it_fits_well(sphinx: PocketSphinx) -> None:
    """The confidence (a model fitted on other voices) weighs the fit against the free phones'
    most: a command the free phones fit far better is ordinary speech, never obeyed."""
    listening = Recogniser("coach", 0.5)
    assert listening.judge(SAID, 0).action == "pause"  # type: ignore[union-attr]
    sphinx.scores.fitted = -3.5  # the free phones fit far better: ordinary speech
    assert listening.judge(SAID, 0).action is None  # type: ignore[union-attr]


def test_a_wake_word_the_dictionary_only_knows_as_a_variant_is_refused(
    sphinx: PocketSphinx,
) -> None:
    from voice_coach.errors import UserError

    with pytest.raises(UserError, match="cannot be the wake word"):
        Recogniser("a(2)", 0.5)  # a second pronunciation, not a word: it broke the grammar


@pytest.mark.parametrize("everyday", ["a", "the", "hey", "oh yes"])
def test_a_wake_word_said_in_every_sentence_is_refused(sphinx: PocketSphinx, everyday: str) -> None:
    """'the' as the wake word would make "the back of your leg" a command."""
    from voice_coach.errors import UserError

    with pytest.raises(UserError, match="not say in every sentence"):
        Recogniser(everyday, 0.5)
    assert Recogniser("hey coach", 0.5)  # with a word of its own, it is a wake word
