"""What a write to the share server must pass before anything reads it, and how its body is read.

The server has one writable address (the log's), and a page on another site open on the same
phone could post to it as easily as ours does: a browser names the page that sends a request in
its Origin header, so a request from any origin but the server's own is refused. Writes are
counted (a few a minute is what a person does; a script that floods gets 429, and the log stays
small), and a body is read only when its declared length is small, under a deadline, so that
one trickling in cannot hold a thread for hours.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable

MOST_BODY_BYTES = 4 * 1024
"""A session sent from the page is about 200 bytes; a body declared longer is refused (413)."""
BODY_DEADLINE_S = 10
"""The whole body must arrive this long after its head."""
MOST_WRITES = 30
WRITES_WINDOW_S = 60.0
"""At most MOST_WRITES writes in any WRITES_WINDOW_S: a phone sends a session or a few waiting
ones at a time."""


class Budget:
    """The writes of the last window, on the server's clock."""

    def __init__(self, most: int, window_s: float, clock: Callable[[], float]) -> None:
        self.most = most
        self.window_s = window_s
        self.clock = clock
        self._lock = threading.Lock()
        self._times: deque[float] = deque()

    def take(self) -> float | None:
        """Count one write: None when it may go ahead, else the seconds until one may."""
        with self._lock:
            now = self.clock()
            while self._times and self._times[0] <= now - self.window_s:
                self._times.popleft()
            if len(self._times) >= self.most:
                return max(1.0, self._times[0] + self.window_s - now)
            self._times.append(now)
            return None


def origin_of(host: str, port: int) -> str:
    """The origin a browser names for a page served from `host` and `port` (RFC 6454)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" if port == 80 else f"http://{shown}:{port}"


def same_origin(one: str, other: str) -> bool:
    """Whether two serialised origins name the same one: the scheme and host are compared
    as a browser writes them (lower case, an IPv6 address in its short form), so `--host
    LOCALHOST` or a long IPv6 form still matches what the phone's page sends."""
    first, second = _origin_key(one), _origin_key(other)
    return first is not None and first == second


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urllib.parse.urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme.lower() != "http" or not host or parts.path or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    with contextlib.suppress(ValueError):
        host = ipaddress.ip_address(host).compressed
    return "http", host.lower(), 80 if port is None else port


def origin_allowed(sent: list[str], own: str, host_header: str | None, any_address: bool) -> bool:
    """Whether the Origin headers `sent` (none at all is a client that is not a browser's
    page, as curl) name the server's own origin. A server on every address (0.0.0.0) does not
    know the address the phone used: there the page's origin is the one its Host names."""
    if not sent:
        return True
    if len(sent) > 1:
        return False
    if same_origin(sent[0], own):
        return True
    return any_address and host_header is not None and same_origin(sent[0], f"http://{host_header}")


def declared_length(values: list[str]) -> int | None:
    """The body's length from its Content-Length headers; None when missing, unreadable or
    contradictory (several that differ)."""
    if not values or len(set(values)) != 1:
        return None
    text = values[0].strip()
    if not text.isdigit() or not text.isascii() or len(text) > 18:
        return None
    return int(text)


def read_body(
    rfile: io.BufferedReader,
    connection: socket.socket,
    length: int,
    deadline: float,
    clock: Callable[[], float],
) -> bytes | None:
    """The `length` bytes of a body (some may be buffered already, read with the head), or None
    if the client closed first. TimeoutError if the deadline passes first."""
    data = bytearray()
    while len(data) < length:
        remaining = deadline - clock()
        if remaining <= 0:
            raise TimeoutError("the request's body did not arrive in time")
        connection.settimeout(remaining)
        chunk = rfile.read1(length - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)
