"""How sure the recogniser is of a command: a small logistic model on what it measured.

Two hand-set cut-offs (the score against the free phones', and the phone count) were tuned on
two voices and rejected most commands from voices they had never heard. This weighs the same
measures and a few more together: the score, the phones heard and how fast, the utterance's
length, how far the best command stands ahead of one for another action, and how far the voice
stood above the room's noise. It was fitted on the bench's tuning voices and checked on voices
it never saw (scripts/fit_listening.py refits it and prints the constants below; the README
shows both figures). Pure arithmetic: no numpy, so deciding costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

DEFAULT_SENSITIVITY = 0.5
MARGIN_CAP = 1.0
"""The grammar's margin counts up to this (none above it was ever a wrong command), and no
rival in the n-best list counts as this."""


class Measured(Protocol):
    @property
    def score(self) -> float: ...

    @property
    def phones(self) -> int: ...

    @property
    def seconds(self) -> float: ...

    @property
    def margin(self) -> float: ...

    @property
    def level(self) -> float: ...


FEATURES = ("score", "phones", "phones per second", "seconds", "log margin", "level")

# Fitted by scripts/fit_listening.py on the tuning voices (323 utterances the grammar made a
# command of: 256 the right action, 41 a wrong one, 26 from 15 minutes of other speech).
MEAN = (-1.699, 5.322, 2.747, 1.918, -0.525, 20.77)
SCALE = (0.5309, 2.871, 1.274, 0.2477, 0.6668, 3.328)
WEIGHTS = (2.008, 0.2616, -0.2313, -0.5328, 0.9313, -0.1768)
BIAS = 0.5797
CUT = -0.0252
"""The log-odds a command needs at the default sensitivity: 0.5 above every utterance of the
tuning speech (15 minutes in four rooms), where 3% of the tuning commands are taken for another
(14 of 480; a cut of 0.9 mistook 1% and caught a fifth fewer; -0.5 mistook 5%)."""
SPAN = 4.0
"""How far the cut moves between sensitivity 0 and 1."""
DOUBT = 1.0
"""A command this far below the cut is 'not sure': asked again, and a 'go on' after a pause by
voice is taken. Of the tuning speech, one utterance in 15 minutes came this close (2.0 let three
ask again)."""


def features(heard: Measured) -> tuple[float, ...]:
    margin = min(heard.margin, MARGIN_CAP)
    return (
        max(heard.score, -10.0),
        float(heard.phones),
        heard.phones / max(heard.seconds, 0.1),
        heard.seconds,
        math.log10(max(margin, 1e-3)),
        heard.level,
    )


def log_odds(heard: Measured) -> float:
    values = features(heard)
    return BIAS + sum(
        w * (x - m) / s for w, x, m, s in zip(WEIGHTS, values, MEAN, SCALE, strict=True)
    )


def probability(odds: float) -> float:
    return 1 / (1 + math.exp(-max(min(odds, 50.0), -50.0)))


def needed(sensitivity: float) -> float:
    """The log-odds a command must reach at `sensitivity` (0 to 1; higher catches more)."""
    return GRAMMAR.needed(sensitivity)


@dataclass(frozen=True)
class Scale:
    """How a recogniser's sensitivity setting (0 to 1; higher catches more) moves the log-odds a
    command needs, and how far below that a command is still 'not sure' rather than nothing.
    Each recogniser has its own (its confidences are measured differently); `listen-test
    --calibrate` goes through it both ways."""

    cut: float
    """The log-odds needed at the default sensitivity."""
    span: float
    """How far the cut moves between sensitivity 0 and 1."""
    doubt: float
    """How far below the cut a command is 'not sure'."""
    ceiling: float = 1.0
    """The highest sensitivity `listen-test --calibrate` may store for a voice it hears poorly."""

    def needed(self, sensitivity: float) -> float:
        return self.cut - (sensitivity - DEFAULT_SENSITIVITY) * self.span

    def sensitivity_for(self, odds: float) -> float:
        """The sensitivity at which a command of these log-odds is just obeyed."""
        return DEFAULT_SENSITIVITY + (self.cut - odds) / self.span


GRAMMAR = Scale(CUT, SPAN, DOUBT)
"""PocketSphinx's grammar and this model."""


def logit(p: float) -> float:
    """The log-odds of a probability (the inverse of `probability`)."""
    q = min(max(p, 1e-15), 1 - 1e-15)
    return math.log(q / (1 - q))
