"""How long each playlist is, guessed from its word count: a listing (`causes`) must not wait
for speech to be synthesised, nor load a speech engine."""

from __future__ import annotations

from voice_coach.model import Library, Settings
from voice_coach.plan import build_timeline
from voice_coach.speech.cues import estimated_length
from voice_coach.speech.pyttsx3_engine import DEFAULT_RATE

ESTIMATE_RATE = 22050


def estimated_lengths(library: Library) -> dict[str, int]:
    """Each playlist's length in samples at ESTIMATE_RATE, guessed from its word count (a
    listing must not wait for speech to be synthesised)."""
    guess = estimated_length(ESTIMATE_RATE, DEFAULT_RATE)
    return {
        p.id: build_timeline(library, p.exercises, p, Settings(), guess, ESTIMATE_RATE).length
        for p in library.playlists.values()
    }
