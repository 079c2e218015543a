"""Playback through ALSA (pyalsaaudio), which reaches PulseAudio/PipeWire on a desktop.

One PCM stream stays open for the whole session and a writer thread keeps it fed a period at a
time, so there are no gaps between cues. The session clock comes from the device: samples written
minus samples still queued. Stopping drops the queue at once, so a pause is silent within about
a period (23 ms) and resumes from exactly the sample that was heard last.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from voice_coach.audio.native import quiet_stderr
from voice_coach.playback.base import NoDeviceError

PERIOD = 512
PERIODS = 32
END_PADDING_S = 0.3
"""Silence after the last sample: some ALSA-to-server bridges cut the final period on close."""


class AlsaPlayer:
    name = "alsa"

    def __init__(self, sample_rate: int, device: str = "default") -> None:
        try:
            import alsaaudio
        except ImportError as exc:
            raise NoDeviceError(f"pyalsaaudio is not installed: {exc}") from None
        self.sample_rate = sample_rate
        try:
            with quiet_stderr():  # alsa-lib prints its own multi-line complaints on failure
                self._pcm = alsaaudio.PCM(
                    alsaaudio.PCM_PLAYBACK,
                    rate=sample_rate,
                    channels=1,
                    format=alsaaudio.PCM_FORMAT_S16_LE,
                    periodsize=PERIOD,
                    periods=PERIODS,
                    device=device,
                )
        except alsaaudio.ALSAAudioError as exc:
            raise NoDeviceError(f"ALSA: {exc}") from None
        self._buffer = int(self._pcm.info().get("buffer_size", PERIOD * PERIODS))
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._start = 0
        self._written = 0
        self._queued = 0
        self._stamp = time.monotonic()
        self._fed = False
        self._total = 0

    def _snapshot(self) -> None:
        queued = max(0, min(self._written, self._buffer - int(self._pcm.avail())))
        with self._lock:
            self._queued = queued
            self._stamp = time.monotonic()

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self.stop()
        self._stopping.clear()
        with self._lock:
            self._start, self._written, self._queued = position, 0, 0
            self._fed, self._total = False, 0
            self._stamp = time.monotonic()
        self._thread = threading.Thread(target=self._feed, args=(blocks,), daemon=True)
        self._thread.start()

    def _feed(self, blocks: Iterator[bytes]) -> None:
        step = PERIOD * 2
        for block in blocks:
            for offset in range(0, len(block), step):
                if self._stopping.is_set():
                    return
                chunk = block[offset : offset + step]
                self._write(chunk)
                with self._lock:
                    self._written += len(chunk) // 2
                    self._total = self._written
                self._snapshot()
        padding = bytes(step)
        for _ in range(round(END_PADDING_S * self.sample_rate / PERIOD)):
            if self._stopping.is_set():
                return
            self._write(padding)
            with self._lock:
                self._written += PERIOD  # padding counts as queued, never as heard session
            self._snapshot()
        with self._lock:
            self._fed = True
        while not self._stopping.is_set() and not self.done():
            time.sleep(PERIOD / self.sample_rate)
            self._snapshot()

    def _write(self, chunk: bytes) -> None:
        """Write one period, again after an underrun: pyalsaaudio reports it (a negative count)
        and drops the chunk, and a dropped chunk would be a gap and a wrong clock."""
        while not self._stopping.is_set():
            if self._pcm.write(chunk) > 0:
                return

    def position(self) -> int:
        with self._lock:
            heard = self._written - self._queued
            if self._thread is not None and self._thread.is_alive() and heard > 0:
                heard += int((time.monotonic() - self._stamp) * self.sample_rate)
            return self._start + max(0, min(heard, self._total))

    def stop(self) -> int:
        thread = self._thread
        if thread is None:
            return self.position()
        self._stopping.set()
        thread.join()
        self._snapshot()
        reached = self.position()
        self._pcm.drop()
        self._thread = None
        return reached

    def done(self) -> bool:
        with self._lock:
            return self._fed and self._written - self._queued >= self._total

    def close(self) -> None:
        self.stop()
        self._pcm.close()
