"""Each setting checked, when it is set, by the stage that will use it.

The store (journal/settings.py) only types a value. Whether it will work is the question of the
stage that reads it: a voice the engine setting speaks with, an engine that can speak here with
the stored voice, a wake word the recogniser knows, listening with a recogniser installed. A
value that would only fail later, in another command, is refused by `config set` in one line.
What cannot be known when it is set (a microphone unplugged since) is said where it is used.
"""

from __future__ import annotations

import stat
from collections.abc import Callable

from voice_coach import files
from voice_coach.environment import Environment
from voice_coach.errors import UserError, clipped, inert
from voice_coach.journal import settings
from voice_coach.model import AUTO


def checked(name: str, value: object, env: Environment) -> object:
    """`value` for setting `name`, as its stage takes it; one line when it would not work."""
    check = CHECKS.get(name)
    return value if check is None else check(value, env)


def _voice(value: object, env: Environment) -> object:
    from voice_coach.speech.selection import checked_voice

    return checked_voice(str(value), settings.stored_or_default("engine"))


def _engine(value: object, env: Environment) -> object:
    from voice_coach.speech.selection import known_voice

    engine = str(value)
    voice = settings.stored_or_default("voice")
    if voice is not None and not known_voice(voice, engine):
        raise UserError(
            f"the {engine} engine has no voice '{voice}' (the voice setting)",
            where="engine",
            hint="run `voice-coach config unset voice` first, or set a voice it has "
            "(see `voice-coach voices`)",
        )
    if engine != AUTO:
        rate = settings.stored_or_default("rate")
        problem = env.select_engine(engine, voice, rate).engine.problem()
        if problem is not None:
            raise UserError(f"the {engine} engine cannot speak here: {problem}", where="engine")
    return value


def _wake_word(value: object) -> object:
    from voice_coach.listening.recogniser import checked_wake_word

    return checked_wake_word(str(value))


def note_after_storing(name: str, stored: object) -> str | None:
    """What a person should know about a setting just stored (said once it is stored, never for
    a value refused): listening switched on with the default sensitivity catches a voice
    unlike those it was trained on far less often than one calibrated; a wake word other than
    the classifier's gives up most of its reach."""
    from voice_coach.journal import settings
    from voice_coach.listening.classifier import WAKE_WORD

    if name == "listen" and stored is True:
        if "listen_sensitivity" in settings.load_raw():
            return None
        return (
            "the coach listens from your next `play`; `voice-coach listen-test --calibrate` "
            "(a minute or two: you say each command twice) fits it to your voice"
        )
    if name != "listen_wake_word" or stored == WAKE_WORD:
        return None
    return (
        f"'{inert(str(stored))}' is heard by PocketSphinx's grammar, which obeys under half of "
        f"commands in noisy rooms; the wake word '{WAKE_WORD}' alone is heard by a trained "
        "classifier that obeys most (try it with `voice-coach listen-test`)"
    )


def _listen(value: object, env: Environment) -> object:
    if value is True:  # the recogniser must be there, and know the stored wake word
        from voice_coach.listening.recogniser import stored_wake_word

        stored_wake_word()
    return value


MUSIC_HINT = "give the path of a music file, or of a folder of them"


def _music(value: object) -> object:
    """A file or a folder that is there now (what is in it is played, or said, at session
    time); stored with ~ for the home folder kept as typed, and a relative path made whole
    (a session started in another folder would not find it)."""
    text = str(value)
    path = files.user_path(text, where="music")
    shown = inert(clipped(text))
    try:
        mode: int | None = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:  # a name too long for the file system, say
        raise UserError(f"{shown}: {exc.strerror or exc}", where="music", hint=MUSIC_HINT) from None
    if mode is None:
        raise UserError(
            f"there is no music file or folder at {shown}", where="music", hint=MUSIC_HINT
        )
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UserError(
            f"{shown} is a named pipe or a device, not a music file or folder",
            where="music",
            hint=MUSIC_HINT,
        )
    return text if text.startswith("~") or path.is_absolute() else str(path.absolute())


LIGHT_CHECKS: dict[str, Callable[[object], object]] = {
    "music": _music,
    "listen_wake_word": _wake_word,
}
"""The checks that need nothing but the value (no engine, no device): `config list` runs them
too, so that a stored value its stage would refuse is marked there, not shown as set."""


def _value_alone(check: Callable[[object], object]) -> Callable[[object, Environment], object]:
    return lambda value, _env: check(value)


CHECKS: dict[str, Callable[[object, Environment], object]] = {
    **{name: _value_alone(check) for name, check in LIGHT_CHECKS.items()},
    "voice": _voice,
    "engine": _engine,
    "listen": _listen,
}
"""The settings whose stage has more to say than their type (a test checks every other key
is fully told by its type and range)."""
