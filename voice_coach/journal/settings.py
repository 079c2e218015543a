"""The user's settings, stored once in VOICE_COACH_HOME/config.yaml; command-line options win.

Each key is declared once here with its type and range, so `config set` refuses a bad value
with one line and everything else can trust what it reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from voice_coach.errors import UserError, clipped
from voice_coach.journal.values import typed_digits
from voice_coach.model import (
    AUTO,
    DEFAULT_WAKE_WORD,
    DIFFICULTIES,
    ENGINE_NAMES,
    SIDES,
    Difficulty,
    Side,
)
from voice_coach.names import did_you_mean


@dataclass(frozen=True)
class Preferences:
    """Every setting, typed, as it applies when the command line does not say otherwise."""

    side: Side | None = None
    engine: str = AUTO
    voice: str | None = None
    rate: int | None = None
    difficulty: Difficulty = "normal"
    rest: int = 15
    lead_in: int = 3
    short_repeats: bool = True
    """Exercises done often get a shorter form of their setup and steps."""
    leave_out_worse: bool = True
    """An exercise whose latest rating is "worse" is left out of the next session, and the
    intro says so."""
    listen: bool = False
    """`play` listens for spoken commands (as `--listen`)."""
    listen_wake_word: str = DEFAULT_WAKE_WORD
    listen_sensitivity: float = 0.5
    listen_device: str = "default"
    listen_said_again: bool = False
    """A command heard not surely, said again and heard alike, is done (commands.SaidAgain).
    Off by default: a command the coach is not sure of is never acted on, and the rule, though
    it obeys more, takes more for another (the README's "Said again, measured")."""
    listen_voice_fit: int = 0
    """How far the keyword classifier moves the person's voice across its bands before judging
    it (kws.FITS): `listen-test --calibrate` chooses it from their own voice."""
    music: str | None = None
    """The person's own music under the coach: a file or a folder of them."""
    music_level: int = 0
    music_shuffle: bool = False


@dataclass(frozen=True)
class Key:
    """One setting: its name, what it means, how text becomes its typed value, and its range
    or choices. The one source of truth: `config`, the command line's options (their types and
    help) and the README's list of settings all read this table; the default is Preferences'."""

    name: str
    help: str
    parse: Callable[[str], Any]
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def default(self) -> object:
        return getattr(Preferences(), self.name)

    @property
    def values(self) -> str:
        """What the setting takes, in a word or two: "left|right", "80-400", "-30 to 10",
        "on|off" (a range from below zero in words: "-2-1" reads as a sum)."""
        if self.choices:
            return "|".join(self.choices)
        if self.low is not None and self.high is not None:
            between = " to " if self.low < 0 else "-"
            return f"{self.low:g}{between}{self.high:g}"
        if self.parse is _on_off:
            return "on|off"
        return "text"


def _choice(name: str, help: str, choices: Sequence[str]) -> Key:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return text

    return Key(name, help, parse, choices=tuple(choices))


def _whole_number(name: str, help: str, low: int, high: int) -> Key:
    def parse(text: str) -> int:
        try:
            value = int(typed_digits(text))
        except ValueError:
            raise ValueError(f"a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return value

    return Key(name, help, parse, low=low, high=high)


def _on_off(text: str) -> bool:
    words = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
    if text.strip().lower() not in words:
        raise ValueError("on or off")
    return words[text.strip().lower()]


def _fraction(text: str) -> float:
    try:
        value = float(typed_digits(text))
    except ValueError:
        raise ValueError("a number from 0 to 1") from None
    if not 0 <= value <= 1:
        raise ValueError("a number from 0 to 1")
    return value + 0.0  # -0 is stored, and shown, as 0


def _words(text: str) -> str:
    """One or two plain words: whether the recogniser knows them is the listening stage's
    question (asked by `config set` and when listening starts), not the store's."""
    words = " ".join(text.lower().split())
    if (
        not words
        or len(words) > 40
        or len(words.split()) > 2
        or not words.replace(" ", "").isalpha()
    ):
        raise ValueError("one or two common English words, e.g. coach")
    return words


def _device(text: str) -> str:
    """An ALSA device name ("default", "hw:1,0", "plughw:CARD=Mic"): printable and short."""
    name = text.strip()
    if not name or len(name) > 80 or not all(c.isprintable() and not c.isspace() for c in name):
        raise ValueError("an ALSA capture device name such as default or plughw:1,0")
    return name


def _music(text: str) -> str:
    """A file or folder name, printable and of sane length; whether it can be played is the
    music stage's question (`config set` asks it)."""
    name = text.strip()
    if not name or len(name) > 4096 or not name.isprintable():
        raise ValueError("a music file or a folder of music files")
    return name


def _some_text(text: str) -> str:
    if not text.strip():
        raise ValueError("some text")
    return text.strip()


KEYS = {
    key.name: key
    for key in (
        _choice("side", "your painful side; cues then name the real side", SIDES),
        _choice(
            "engine",
            f"speech engine ({AUTO}: the natural Piper voice if installed, else espeak-ng)",
            ENGINE_NAMES,
        ),
        Key("voice", "voice id of the engine (see `voice-coach voices`)", _some_text),
        _whole_number("rate", "speaking rate, words per minute", 80, 400),
        _choice(
            "difficulty",
            "easier (fewer reps, shorter holds), normal (the programme's dosage), harder (the "
            "top of the programme's ranges)",
            DIFFICULTIES,
        ),
        _whole_number("rest", "seconds of rest between exercises", 0, 120),
        Key(
            "short_repeats",
            "on: exercises you have done often get a shorter form of their setup and steps",
            _on_off,
        ),
        Key(
            "leave_out_worse",
            "on: an exercise that made your leg worse last time is left out, and the coach "
            "says so (off: every exercise is played)",
            _on_off,
        ),
        Key("listen", 'on: `play` listens for spoken commands ("coach, pause")', _on_off),
        Key("listen_wake_word", "the word that starts a spoken command", _words),
        Key(
            "listen_sensitivity",
            "0 to 1: higher catches more commands and risks more false ones",
            _fraction,
            low=0,
            high=1,
        ),
        Key(
            "listen_device",
            "the microphone: an ALSA capture device (default, or e.g. plughw:1,0)",
            _device,
        ),
        Key(
            "listen_said_again",
            "on: a command the coach was not sure of, said again and heard the same way, is "
            "done (more are obeyed, and a few more are taken for another)",
            _on_off,
        ),
        _whole_number(
            "listen_voice_fit",
            "-2 to 1: how the coach fits its hearing to your voice (set by "
            "`listen-test --calibrate`; 0: as it was trained)",
            -2,
            1,
        ),
        _whole_number("lead_in", "seconds to get into position before each set", 1, 10),
        Key(
            "music",
            "your own music under the coach: a file or a folder of them (any format ffmpeg "
            "reads), ducked under every word",
            _music,
        ),
        _whole_number(
            "music_level", "the music's level in dB, up or down from the usual (0)", -30, 10
        ),
        Key("music_shuffle", "on: play the music in a shuffled order (off: by name)", _on_off),
    )
}


def config_path() -> Path:
    from voice_coach.journal import home as userstate

    return userstate.home() / "config.yaml"


def key_named(name: str) -> Key:
    if name not in KEYS:
        raise UserError(
            f"unknown setting '{clipped(name)}'",
            where="KEY",
            hint=did_you_mean(name, KEYS) or "settings: " + ", ".join(KEYS),
        )
    return KEYS[name]


def parse_value(name: str, text: str) -> Any:
    key = key_named(name)
    try:
        return key.parse(text)
    except ValueError as exc:
        raise UserError(
            f"'{clipped(text)}' is not a valid {name}: it must be {exc}", where=name
        ) from None


def parse_stored(name: str, value: object) -> Any:
    """A value as the settings file holds it, typed; "side:" with nothing after it has no value
    (YAML's null), not the text 'None'."""
    if value is None:
        raise UserError(f"{clipped(name)} has no value", where=name)
    if isinstance(value, bool) and key_named(name).parse is not _on_off:
        # YAML reads a bare yes, no, on or off as true or false: "listen_wake_word: yes" would
        # become the word 'true', and be written back as that
        raise UserError(
            f"{clipped(name)} was read as {as_typed(value)}: a bare yes, no, on or off is "
            "true or false in a settings file",
            where=name,
            hint=f'put the value in quotes, e.g. {clipped(name)}: "yes"',
        )
    return parse_value(name, str(value))


def as_typed(value: object) -> str:
    """A setting's value as a person types it: on and off, not Python's True and False."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return "-" if value is None else str(value)


def _unreadable_hint(path: Path) -> str:
    """How to repair a settings file that cannot be read: a link's own file keeps the settings
    in it, and `rm` cannot remove a folder."""
    if path.is_symlink():
        return (
            "put the file itself there instead of a link, or remove the link to start your "
            f"settings again (rm {path})"
        )
    if path.is_dir():
        return f"move the folder away to start your settings again (mv {path} {path}.old)"
    return f"fix the file, or delete it to start your settings again (rm {path})"


def load_raw() -> dict[str, object]:
    """The settings file as written, unchecked: what `config set` and `unset` repair. Nearly
    every command reads it first, so this is where a folder left open by an older voice-coach
    is made private again."""
    from voice_coach.content.source import load_file
    from voice_coach.journal import home as userstate

    userstate.secure()
    path = config_path()
    if not os.path.lexists(path):  # a link, even a broken one, is there (and refused)
        return {}
    try:
        data = load_file(path, str(path))
    except UserError as exc:  # not YAML at all: `config set` cannot repair it, so say how
        raise UserError(exc.message, where=exc.where, hint=_unreadable_hint(path)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError(
            "the settings file must be a mapping of settings",
            where=str(path),
            hint="fix it, or delete it to start again",
        )
    return {str(k): _plain(v) for k, v in data.items()}


def _plain(value: object) -> object:
    """Plain lists and dicts (the loader's line-aware ones cannot be written back as YAML)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def stored_at(name: str) -> str:
    """Where a stored setting comes from, for a line about it: the file and the key (a key
    from the file, clipped: a 100 KB key is no longer one line)."""
    return f"{config_path()} ({clipped(name)})"


def bad_entry(name: str, message: str) -> UserError:
    """The line for a stored setting that cannot be used, whoever found it (the store when it
    reads the file, or the stage that uses the setting): the file, the key, and the repair (an
    unknown key can only be removed)."""
    shown = clipped(name)
    hint = f"`voice-coach config unset {shown}`"
    if name in KEYS:
        hint = f"`voice-coach config set {shown} VALUE` or {hint}"
    return UserError(
        f"the settings file has a bad entry: {message}",
        where=stored_at(name),
        hint="repair it with " + hint,
    )


def load() -> dict[str, Any]:
    """The stored settings, each checked; a bad one names itself and how to repair it."""
    settings = {}
    for name, value in load_raw().items():
        try:
            settings[name] = parse_stored(name, value)
        except UserError as exc:
            raise bad_entry(name, exc.message) from None
    return settings


def stored_or_default(name: str) -> Any:
    """One stored setting if it is there and well-typed, else its default: what a check of
    another setting compares with, without a bad entry elsewhere blocking its repair."""
    raw = load_raw()
    if name in raw:
        try:
            return parse_value(name, str(raw[name]))
        except UserError:
            pass
    return key_named(name).default


def save(settings: dict[str, object]) -> None:
    import yaml

    from voice_coach.files import write_text

    write_text(config_path(), yaml.safe_dump(settings, sort_keys=True), make_folder=True)


def preferences() -> Preferences:
    """The stored settings over the defaults, typed: what a session starts from."""
    return replace(Preferences(), **load())


def value_of(name: str) -> object:
    """One setting as it applies now (stored, else its default)."""
    return getattr(preferences(), key_named(name).name)


def store(name: str, text: str, check: Callable[[str, Any], Any] | None = None) -> object:
    """Type-check and store one setting; the value as stored. `check` is the owning stage's own
    test of the value (a voice the engines have, a word the recogniser knows), which may also
    normalise it. Other entries are kept as written, so a bad one elsewhere never blocks the
    repair of this one."""
    parsed = parse_value(name, text)
    if check is not None:
        parsed = check(name, parsed)
    stored = load_raw()
    stored[name] = parsed
    save(stored)
    return parsed


def forget(name: str) -> None:
    """Remove a setting; also one the file holds but voice-coach does not know (a typo)."""
    stored = load_raw()
    if name not in stored:
        key_named(name)
    stored.pop(name, None)
    save(stored)
