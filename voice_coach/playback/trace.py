"""A record of every start and stop of the sound, for measuring a live session from outside.

With VOICE_COACH_TRACE set to a file, `play` appends one line per start and stop: the
monotonic time, what happened and the session sample (where the sound restarts from, or where
it was stopped). A bench or test that records the sound card can then place each restart in the
plan exactly, even when it falls in a silence between words, where no recording can tell when
the sound came back. The times are the player's; only the samples are meant to be trusted by a
measurement, which takes its times from the recording.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from voice_coach.errors import UserError
from voice_coach.playback.base import Player

TRACE_ENV = "VOICE_COACH_TRACE"


class TracedPlayer:
    """A player that writes its starts and stops to a trace file, and otherwise is `inner`."""

    def __init__(self, inner: Player, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        try:
            self._out = path.open("a", encoding="utf-8")
        except OSError as exc:
            inner.close()
            raise UserError(
                f"cannot write the trace file {path}: {exc.strerror or exc}",
                hint=f"point {TRACE_ENV} at a file in a folder you can write, or unset it",
            ) from None

    def _line(self, what: str, sample: int) -> None:
        self._out.write(f"{time.monotonic():.6f} {what} {sample}\n")
        self._out.flush()

    def start(self, blocks: Iterator[bytes], position: int) -> None:
        self._line("start", position)
        self.inner.start(blocks, position)

    def position(self) -> int:
        return self.inner.position()

    def stop(self) -> int:
        reached = self.inner.stop()
        self._line("stop", reached)
        return reached

    def done(self) -> bool:
        return self.inner.done()

    def close(self) -> None:
        self.inner.close()
        self._out.close()
