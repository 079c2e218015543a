"""Speech engines by name. An unknown name is a user error that lists the valid ones."""

from __future__ import annotations

from collections.abc import Callable

from voice_coach.names import lookup
from voice_coach.tts.base import Engine, VoiceInfo
from voice_coach.tts.piper_engine import PiperEngine
from voice_coach.tts.pyttsx3_engine import Pyttsx3Engine

EngineFactory = Callable[[str | None, int | None], Engine]

ENGINES: dict[str, EngineFactory] = {"pyttsx3": Pyttsx3Engine, "piper": PiperEngine}
DEFAULT_ENGINE = "pyttsx3"


def make_engine(name: str, voice: str | None = None, rate: int | None = None) -> Engine:
    choices = "choose one of: " + ", ".join(sorted(ENGINES))
    return lookup(ENGINES, name, "speech engine", "--engine", choices)(voice, rate)


__all__ = ["DEFAULT_ENGINE", "ENGINES", "Engine", "VoiceInfo", "make_engine"]
