"""The microphone, read through ALSA (which reaches PulseAudio or PipeWire on a desktop).

Audio is read in short periods at 16 kHz, the rate speech recognisers use, kept in memory only
as long as it is being looked at, and never written anywhere.
"""

from __future__ import annotations

import math
import time
from array import array

from voice_coach.audio.native import quiet_stderr
from voice_coach.errors import UserError

RATE = 16000
PERIOD = 320
"""20 ms a read: short enough to react at once, long enough to cost nothing."""
NO_MICROPHONE_HINT = "plug one in (or unmute it); `voice-coach doctor` shows its level"


class NoMicrophone(UserError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"no microphone to listen with ({detail})", hint=NO_MICROPHONE_HINT)


class Microphone:
    """One capture stream, mono s16le at RATE."""

    def __init__(self, device: str = "default", *, wait: bool = True) -> None:
        """`wait`: a read waits for sound; else it returns b"" when none has come yet."""
        try:
            import alsaaudio
        except ImportError as exc:
            raise NoMicrophone(f"pyalsaaudio is not installed: {exc}") from None
        try:
            with quiet_stderr():  # alsa-lib prints its own multi-line complaints on failure
                self._pcm = alsaaudio.PCM(
                    alsaaudio.PCM_CAPTURE,
                    alsaaudio.PCM_NORMAL if wait else alsaaudio.PCM_NONBLOCK,
                    rate=RATE,
                    channels=1,
                    format=alsaaudio.PCM_FORMAT_S16_LE,
                    periodsize=PERIOD,
                    periods=8,
                    device=device,
                )
        except alsaaudio.ALSAAudioError as exc:
            raise NoMicrophone(f"ALSA: {exc}") from None

    def read(self) -> bytes:
        """The next period of sound (b"": none yet, when not waiting)."""
        length, data = self._pcm.read()
        return bytes(data) if length > 0 else b""

    def close(self) -> None:
        self._pcm.close()


def level_dbfs(pcm: bytes, window: int = RATE // 10) -> float | None:
    """The loudest tenth of a second's RMS level, in dB below full scale (what a person saying
    something into it reaches); None for digital silence (all zeros: a muted or disconnected
    input, not a quiet room, which always has some noise)."""
    samples = array("h", pcm)
    if not samples or not any(samples):
        return None
    loudest = max(
        sum(s * s for s in samples[i : i + window]) / len(samples[i : i + window])
        for i in range(0, len(samples), window)
    )
    return 10 * math.log10(max(loudest, 1e-9) / 32768**2)


def listen_level(device: str = "default", seconds: float = 1.0) -> float | None:
    """The microphone's level over `seconds` (None: it gives only silence). A device that
    opens but never delivers (a suspended source) counts as silence after a second more,
    rather than hanging the caller."""
    microphone = Microphone(device, wait=False)
    deadline = time.monotonic() + seconds + 1.0
    try:
        pcm = bytearray()
        while len(pcm) < seconds * RATE * 2 and time.monotonic() < deadline:
            piece = microphone.read()
            pcm += piece
            if not piece:
                time.sleep(PERIOD / RATE / 2)
    finally:
        microphone.close()
    return level_dbfs(bytes(pcm))
