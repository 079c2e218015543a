"""Single key presses from the terminal, without Enter, and the terminal restored afterwards."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import time
import tty
from collections.abc import Iterator
from typing import TextIO


class KeyReader:
    def __init__(self, stream: TextIO) -> None:
        self.fd = stream.fileno()
        self.closed = False

    def read(self, timeout: float) -> str | None:
        """One key if pressed within `timeout` seconds, else None (after `timeout`, always:
        a terminal that went away must not turn the session's loop into a busy one)."""
        if not self.closed:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            try:
                data = os.read(self.fd, 1)
            except OSError:
                data = b""
            if data:
                return data.decode("utf-8", "replace")
            self.closed = True
        time.sleep(timeout)
        return None


@contextlib.contextmanager
def keys(stream: TextIO = sys.stdin) -> Iterator[KeyReader | None]:
    """A KeyReader while the terminal is in cbreak mode; None when stdin is not a terminal."""
    if not stream.isatty():
        yield None
        return
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield KeyReader(stream)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
