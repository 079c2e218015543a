"""Sound outputs by name; the session controller works with any of them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from voice_coach.names import lookup
from voice_coach.playback.alsa_player import AlsaPlayer
from voice_coach.playback.base import NoDeviceError, Player
from voice_coach.playback.simpleaudio_player import SimpleaudioPlayer
from voice_coach.playback.trace import TRACE_ENV, TracedPlayer

PLAYERS: dict[str, Callable[[int], Player]] = {"alsa": AlsaPlayer, "simpleaudio": SimpleaudioPlayer}
DEFAULT_PLAYER = "alsa"


def make_player(name: str, sample_rate: int) -> Player:
    choices = "choose one of: " + ", ".join(sorted(PLAYERS))
    player = lookup(PLAYERS, name, "player", "--player", choices)(sample_rate)
    trace = os.environ.get(TRACE_ENV)
    return TracedPlayer(player, Path(trace)) if trace else player


__all__ = ["DEFAULT_PLAYER", "PLAYERS", "NoDeviceError", "Player", "make_player"]
