"""Cuts microphone audio into utterances: stretches clearly louder than the room's own noise.

WebRTC's voice-activity detector (the one PocketSphinx ships) calls a fan or traffic at 10 dB
below the speech "speech" all the time, so a session in a noisy room would never end an
utterance. This detector instead follows the room's noise floor (the quietest moment of the last
few seconds, which speech does not lift) and takes as speech what stands well above it, in the
voice's band.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from voice_coach.listening.microphone import RATE

FRAME = RATE // 50
"""20 ms frames."""
ONSET_DB = 10.0
"""A frame this far above the floor is speech..."""
HOLD_DB = 7.0
"""...and speech goes on while frames stay this far above it."""
FLOOR_FRAMES = 100
"""The floor is the quietest frame of the last two seconds: speech always has gaps between
words within that, so a sentence is not mistaken for the room, and a room that gets louder is
followed within two seconds."""
GAP_FRAMES = 25
"""This long (0.5 s) below the hold level ends the utterance: the comma in "coach, go on" is
shorter."""
START_FRAMES = 3
"""Speech starts only after this many loud frames in a row (a click or a knock is shorter)."""
PAD_FRAMES = 15
"""Audio kept after the end, where soft consonants lie..."""
LEAD_FRAMES = 30
"""...and before the onset: the recogniser needs some of the room's noise before the speech
(measured: 0.6 s caught 179 of 200 commands in noise, 0.3 s 166)."""
QUIET_FLOOR_DB = -70.0


@dataclass(frozen=True)
class Utterance:
    pcm: bytes
    start: int
    """Sample where it starts, counted from the first audio fed."""
    level: float = 0.0
    """How far its loud frames stand above the room's floor (dB, the 90th percentile): a
    command said near the microphone stands higher than a voice from across the room."""

    @property
    def end(self) -> int:
        return self.start + len(self.pcm) // 2


_WINDOW = np.hanning(FRAME)
_FREQUENCIES = np.fft.rfftfreq(FRAME, 1 / RATE)
_VOICE_BAND = (_FREQUENCIES >= 250) & (_FREQUENCIES <= 3500)


def frame_level(frame: np.ndarray) -> float:
    """The level of the voice's band (250 Hz to 3.5 kHz) in one frame, in dB: most room noise
    (fans, traffic, rumble) lies below it, so speech stands out there by far more."""
    spectrum = np.abs(np.fft.rfft(frame * _WINDOW)) ** 2
    power = float(spectrum[_VOICE_BAND].sum()) / (32768.0**2 * FRAME)
    return 10 * float(np.log10(max(power, 1e-12)))


class Segmenter:
    """Feed it 16 kHz mono s16le in any pieces; it yields each utterance once it has ended."""

    def __init__(self, longest_s: float = 8.0) -> None:
        self.pending = b""
        self.fed = 0
        self.levels: deque[float] = deque(maxlen=FLOOR_FRAMES)
        self.frames: list[bytes] = []
        """In speech: the utterance so far; else the last PAD_FRAMES frames."""
        self.loud_run = 0
        self.quiet_run = 0
        self.in_speech = False
        self.start = 0
        self.loudness: list[float] = []
        """The levels above the floor of the utterance's frames so far."""
        self.longest = round(longest_s * 50)

    def feed(self, pcm: bytes) -> Iterator[Utterance]:
        data = self.pending + pcm
        size = FRAME * 2
        whole = len(data) // size * size
        self.pending = data[whole:]
        for offset in range(0, whole, size):
            done = self._frame(data[offset : offset + size])
            self.fed += FRAME
            if done is not None:
                yield done

    def _frame(self, raw: bytes) -> Utterance | None:
        level = frame_level(np.frombuffer(raw, dtype="<i2").astype(np.float64))
        self.levels.append(level)
        floor = max(min(self.levels), QUIET_FLOOR_DB)
        self.frames.append(raw)
        self.loudness.append(level - floor)
        if not self.in_speech:
            self.loud_run = self.loud_run + 1 if level >= floor + ONSET_DB else 0
            if self.loud_run >= START_FRAMES:
                self.in_speech = True
                self.quiet_run = 0
                self.start = self.fed + FRAME - len(self.frames) * FRAME
                self.loudness = self.loudness[-START_FRAMES:]
                return None
            del self.frames[: -(LEAD_FRAMES + START_FRAMES)]
            del self.loudness[:-START_FRAMES]
            return None
        self.quiet_run = self.quiet_run + 1 if level < floor + HOLD_DB else 0
        if self.quiet_run >= GAP_FRAMES or len(self.frames) >= self.longest:
            keep = len(self.frames) - max(0, self.quiet_run - PAD_FRAMES)
            level = float(np.percentile(self.loudness, 90))
            utterance = Utterance(b"".join(self.frames[:keep]), self.start, level)
            self.in_speech = False
            self.loud_run = 0
            self.frames = []
            return utterance
        return None
