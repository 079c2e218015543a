"""A request's head (its request line and headers), read with every limit applied as it arrives.

The standard library reads a head a line at a time, each line up to 64 KB and up to 100 of
them, with a timeout per read: a client could hold a connection for ever by sending one byte
every few seconds, or make it hold 6 MB before any check. Here the whole head must arrive by a
deadline, and it is counted (bytes and lines) while it is read: one byte past a limit ends it.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable


class HeadTooLarge(Exception):
    """More bytes or lines than any browser or podcast app sends."""


def read_head(
    rfile: io.BufferedReader,
    connection: socket.socket,
    deadline: float,
    clock: Callable[[], float],
    most_bytes: int,
    most_lines: int,
) -> list[bytes] | None:
    """The head's lines up to the blank line that ends it (the request line first, each with
    its line end), or None if the client closed or hung up first.

    Raises TimeoutError if the deadline (on `clock`) passes first, HeadTooLarge past a limit.
    What the client sent after the head stays in `rfile` for the next request.
    """
    lines: list[bytes] = []
    line = bytearray()
    total = 0
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise TimeoutError("the request's head did not arrive in time")
        connection.settimeout(remaining)
        data = rfile.peek(1)  # at most one read from the socket
        if not data:
            return None
        end = data.find(b"\n")
        wanted = len(data) if end < 0 else end + 1
        chunk = rfile.read(min(wanted, most_bytes - total + 1))
        total += len(chunk)
        line += chunk
        if total > most_bytes:
            raise HeadTooLarge(f"a head over {most_bytes} bytes")
        if not line.endswith(b"\n"):
            continue
        if line.strip():
            lines.append(bytes(line))
            if len(lines) > most_lines:
                raise HeadTooLarge(f"a head over {most_lines} lines")
        elif lines:
            return lines
        line = bytearray()  # (a blank line before the request line is ignored, as RFC 9112 asks)
