"""How long each playlist is, guessed from its word count: a listing (`causes`) must not wait
for speech to be synthesised, nor load a speech engine."""

from __future__ import annotations

from voice_coach.model import CueLength, Library, Settings
from voice_coach.plan.timeline import build_timeline

ESTIMATE_RATE = 22050


def estimated_lengths(library: Library) -> dict[str, int]:
    """Each playlist's length in samples at ESTIMATE_RATE, guessed from its word count (a
    listing must not wait for speech to be synthesised)."""
    guess = estimated_length(ESTIMATE_RATE)
    return {
        p.id: build_timeline(library, p.exercises, p, Settings(), guess, ESTIMATE_RATE).length
        for p in library.playlists.values()
    }


GUESS_WORDS_PER_MINUTE = 160
"""The pace a guess assumes: espeak-ng's default (pyttsx3_engine.DEFAULT_RATE), near Piper's."""


def estimated_length(sample_rate: int, words_per_minute: int = GUESS_WORDS_PER_MINUTE) -> CueLength:
    """A cue-length guess from the word count, for listings that must not wait for speech."""

    def length(text: str) -> int:
        words = max(1, len(text.split()))
        return round(sample_rate * (0.15 + words * 60 / words_per_minute))

    return length
