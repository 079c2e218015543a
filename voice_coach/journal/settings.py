"""The user's settings, stored once in VOICE_COACH_HOME/config.yaml; command-line options win.

Each key is declared once here with its type and range, so `config set` refuses a bad value
with one line and everything else can trust what it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from voice_coach.errors import UserError
from voice_coach.files import write_text
from voice_coach.journal import home as userstate
from voice_coach.names import did_you_mean
from voice_coach.speech.selection import AUTO, ENGINE_NAMES

DIFFICULTIES = ("easier", "normal", "harder")


@dataclass(frozen=True)
class Key:
    name: str
    help: str
    parse: Callable[[str], Any]
    default: Any


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return text

    return parse


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return value

    return parse


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("some text")
    return text.strip()


KEYS = {
    key.name: key
    for key in (
        Key("side", "your painful side: left or right", _choice("left", "right"), None),
        Key("engine", "speech engine: " + ", ".join(ENGINE_NAMES), _choice(*ENGINE_NAMES), AUTO),
        Key("voice", "voice id of the engine (see `voice-coach voices`)", _text, None),
        Key("rate", "speaking rate, words per minute (80-400)", _integer(80, 400), None),
        Key(
            "difficulty",
            "easier (fewer reps, shorter holds), normal (the programme's dosage), harder",
            _choice(*DIFFICULTIES),
            "normal",
        ),
        Key("rest", "seconds of rest between exercises (0-120)", _integer(0, 120), 15),
        Key("lead_in", "seconds to get into position before each set (1-10)", _integer(1, 10), 3),
    )
}


def config_path() -> Path:
    return userstate.home() / "config.yaml"


def key_named(name: str) -> Key:
    if name not in KEYS:
        raise UserError(
            f"unknown setting '{name}'",
            where="KEY",
            hint=did_you_mean(name, KEYS) or "settings: " + ", ".join(KEYS),
        )
    return KEYS[name]


def parse_value(name: str, text: str) -> Any:
    key = key_named(name)
    try:
        return key.parse(text)
    except ValueError as exc:
        raise UserError(f"'{text}' is not a valid {name}: it must be {exc}", where=name) from None


def load() -> dict[str, Any]:
    """The stored settings (only valid ones), without defaults."""
    path = config_path()
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise UserError(
            f"the settings file is not valid YAML ({exc.__class__.__name__})",
            where=str(path),
            hint="fix it, or delete it to start again",
        ) from None
    if not isinstance(data, dict):
        raise UserError("the settings file must be a mapping", where=str(path))
    settings = {}
    for name, value in data.items():
        settings[name] = parse_value(str(name), str(value))
    return settings


def save(settings: dict[str, Any]) -> None:
    write_text(config_path(), yaml.safe_dump(settings, sort_keys=True), make_folder=True)


def effective(options: dict[str, Any]) -> dict[str, Any]:
    """Command-line options over stored settings over defaults, for every key."""
    stored = load()
    result = {}
    for name, key in KEYS.items():
        given = options.get(name)
        result[name] = given if given is not None else stored.get(name, key.default)
    return result
