"""Sound outputs by name; the session controller works with any of them."""

from __future__ import annotations

from collections.abc import Callable

from voice_coach.errors import UserError
from voice_coach.playback.alsa_player import AlsaPlayer
from voice_coach.playback.base import NoDeviceError, Player
from voice_coach.playback.simpleaudio_player import SimpleaudioPlayer

PLAYERS: dict[str, Callable[[int], Player]] = {"alsa": AlsaPlayer, "simpleaudio": SimpleaudioPlayer}
DEFAULT_PLAYER = "alsa"


def make_player(name: str, sample_rate: int) -> Player:
    try:
        factory = PLAYERS[name]
    except KeyError:
        raise UserError(
            f"unknown player '{name}'",
            where="--player",
            hint="choose one of: " + ", ".join(sorted(PLAYERS)),
        ) from None
    return factory(sample_rate)


__all__ = ["DEFAULT_PLAYER", "PLAYERS", "NoDeviceError", "Player", "make_player"]
