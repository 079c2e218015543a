"""A program on a pseudo-terminal, as a person at a keyboard would run it."""

from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence


class Terminal:
    """Runs `command` with stdin, stdout and stderr on a pty, and keeps what it shows."""

    def __init__(
        self, command: Sequence[str], env: Mapping[str, str], *, controlling: bool = False
    ) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.slave = slave
        self.initial_mode = termios.tcgetattr(slave)
        self.shown = bytearray()

        def make_controlling() -> None:  # as a shell does: the pty turns Ctrl-C into SIGINT
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            list(command),
            env=dict(env),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            preexec_fn=make_controlling if controlling else None,
        )
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            self.shown.extend(data)

    @property
    def text(self) -> str:
        return self.shown.decode("utf-8", "replace")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_for(self, what: bytes, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.shown.count(what) < count:
            assert time.monotonic() < deadline and self.process.poll() is None, self.text
            time.sleep(0.02)

    def mode(self) -> list[object]:
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        self._reader.join(timeout=2)
        os.close(self.slave)
