"""Sound outputs by name; the session controller works with any of them."""

from __future__ import annotations

from collections.abc import Callable

from voice_coach.names import lookup
from voice_coach.playback.alsa_player import AlsaPlayer
from voice_coach.playback.base import NoDeviceError, Player
from voice_coach.playback.simpleaudio_player import SimpleaudioPlayer

PLAYERS: dict[str, Callable[[int], Player]] = {"alsa": AlsaPlayer, "simpleaudio": SimpleaudioPlayer}
DEFAULT_PLAYER = "alsa"


def make_player(name: str, sample_rate: int) -> Player:
    choices = "choose one of: " + ", ".join(sorted(PLAYERS))
    return lookup(PLAYERS, name, "player", "--player", choices)(sample_rate)


__all__ = ["DEFAULT_PLAYER", "PLAYERS", "NoDeviceError", "Player", "make_player"]
