"""Playback through ALSA (pyalsaaudio), which reaches PulseAudio/PipeWire on a desktop.

One PCM stream stays open for the whole session and a writer thread keeps it fed a period at a
time, so there are no gaps between cues. The session clock comes from the device: samples written
minus samples still queued. Stopping drops the queue at once, so a pause is silent within about
a period (23 ms) and resumes from exactly the sample that was heard last.

The session's audio is rendered by a thread of its own into a short queue, and the writer never
waits on it: on a cold start the next cue may still be being synthesised, and a device left to
run dry would lose its place (a sound server re-buffers after an underrun, so what the device
took is no longer what was heard). When nothing is ready and the device is nearly empty, the
writer gives it a period of silence instead, and counts it as padding, never as session: the
position stays the session sample being heard, through any wait.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

from voice_coach.audio.native import quiet_stderr
from voice_coach.playback.base import NoDeviceError

PERIOD = 512
PERIODS = 32
END_PADDING_S = 0.3
"""Silence after the last sample: some ALSA-to-server bridges cut the final period on close."""
LOW_WATER = 6 * PERIOD
"""Frames still queued in the device below which the writer pads with silence rather than wait
(about 140 ms at 22,050 Hz: far more than one period's write, far less than the buffer)."""
WAIT_S = 0.01
PREBUFFER_S = 1.0
"""Audio ready before a start sounds (or all of it, if shorter). On a warm cache it is rendered
in milliseconds. On a cold one it is the first words and the pause after them (that pause is
final before the next cue is synthesised), and the next cue is synthesised while they play.
Three seconds were tried too: a start then waits for the second cue as well, and the suite's
cold-start test saw its first word 2.6-2.9 s after launch in 3 of 10 runs alone (at most 2.5
allowed); with one second it passed 10 of 10 alone, with another process busy on a core."""
AHEAD = 256
"""Periods rendered ahead of the writer (about 6 s, more than the prebuffer)."""
_END = b""


class _Feed:
    """One start's audio: rendered by its own thread into its own queue, so a render still busy
    after a stop (a cue being synthesised) can never feed the next start."""

    def __init__(self, blocks: Iterator[bytes], step: int) -> None:
        self.chunks: queue.Queue[bytes] = queue.Queue(maxsize=AHEAD)
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.finished = threading.Event()
        """Everything is rendered (or the render failed)."""
        self._blocks = blocks
        self._step = step
        self.thread = threading.Thread(target=self._render, daemon=True, name="voice-coach-render")
        self.thread.start()

    def _render(self) -> None:
        try:
            for block in self._blocks:
                for offset in range(0, len(block), self._step):
                    if not self._put(block[offset : offset + self._step]):
                        return
        except BaseException as exc:  # handed to the writer, which stops the session with it
            self.error = exc
        self.finished.set()
        self._put(_END)

    def _put(self, chunk: bytes) -> bool:
        while not self.stopping.is_set():
            try:
                self.chunks.put(chunk, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False


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
        self._feed_now: _Feed | None = None
        self._stopping = threading.Event()
        self._start = 0
        self._written = 0
        """Frames handed to the device: session, padding and the end's silence."""
        self._queued = 0
        self._stamp = time.monotonic()
        self._fed = False
        self._total = 0
        """Session frames handed to the device."""
        self._pads: list[tuple[int, int]] = []
        """Silence given while the session's audio was not ready: (written before it, frames)."""

    def _snapshot(self) -> None:
        avail = int(self._pcm.avail())
        # A negative count is an error (an underrun): everything written has been played.
        queued = 0 if avail < 0 else max(0, min(self._written, self._buffer - avail))
        with self._lock:
            self._queued = queued
            self._stamp = time.monotonic()

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self.stop()
        self._stopping.clear()
        with self._lock:
            self._start, self._written, self._queued = position, 0, 0
            self._fed, self._total, self._pads = False, 0, []
            self._stamp = time.monotonic()
        feed = _Feed(blocks, PERIOD * 2)
        self._feed_now = feed
        self._thread = threading.Thread(target=self._feed, args=(feed,), daemon=True)
        self._thread.start()

    def _feed(self, feed: _Feed) -> None:
        ready = round(PREBUFFER_S * self.sample_rate / PERIOD)
        while not self._stopping.is_set() and not feed.finished.is_set():
            if feed.chunks.qsize() >= ready:
                break
            time.sleep(WAIT_S)
        while not self._stopping.is_set():
            try:
                chunk = feed.chunks.get(timeout=WAIT_S)
            except queue.Empty:
                self._snapshot()
                if self._total and self._queued < LOW_WATER:
                    self._pad()
                continue
            if chunk is _END or not chunk:
                break
            self._write(chunk)
            with self._lock:
                self._written += len(chunk) // 2
                self._total += len(chunk) // 2
            self._snapshot()
        if self._stopping.is_set():
            return
        if feed.error is not None:  # the session ends here; stop() raises the error
            with self._lock:
                self._fed, self._total = True, 0
            return
        padding = bytes(PERIOD * 2)
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

    def _pad(self) -> None:
        """A period of silence while the session's next audio is not ready yet."""
        self._write(bytes(PERIOD * 2))
        with self._lock:
            at, frames = self._pads[-1] if self._pads else (-1, 0)
            if at + frames == self._written:  # one wait is one stretch of padding
                self._pads[-1] = (at, frames + PERIOD)
            else:
                self._pads.append((self._written, PERIOD))
            self._written += PERIOD
        self._snapshot()

    def _write(self, chunk: bytes) -> None:
        """Write one period, again after an underrun: pyalsaaudio reports it (a negative count)
        and drops the chunk, and a dropped chunk would be a gap and a wrong clock."""
        while not self._stopping.is_set():
            if self._pcm.write(chunk) > 0:
                return

    def _heard(self) -> int:
        """Session frames heard (the lock held): what the device played, less the padding."""
        heard = self._written - self._queued
        if self._thread is not None and self._thread.is_alive() and heard > 0:
            heard += int((time.monotonic() - self._stamp) * self.sample_rate)
        heard = min(heard, self._written)
        padded = sum(min(frames, max(0, heard - at)) for at, frames in self._pads)
        return max(0, min(heard - padded, self._total))

    def position(self) -> int:
        with self._lock:
            return self._start + self._heard()

    def stop(self) -> int:
        thread, feed = self._thread, self._feed_now
        if thread is None:
            return self.position()
        # Heard to the end already: say so. The clock runs on between the device's readings
        # while the writer lives; once it is stopped only the last reading counts, which can be
        # a few milliseconds behind the end that done() has seen.
        finished = self.done()
        self._stopping.set()
        if feed is not None:
            feed.stopping.set()  # its render ends by itself, into a queue no one reads
        thread.join()
        self._snapshot()
        reached = self._start + self._total if finished else self.position()
        self._pcm.drop()
        self._thread = self._feed_now = None
        if feed is not None and feed.error is not None:
            raise feed.error
        return reached

    def done(self) -> bool:
        with self._lock:
            return self._fed and self._heard() >= self._total

    def close(self) -> None:
        self.stop()
        self._pcm.close()
