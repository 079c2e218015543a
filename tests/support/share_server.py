"""The share server on 127.0.0.1 with a table of a test's own, a clock the test moves, and a
client that sends exactly what it is given (headers and body)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from voice_coach.share.server import ShareServer, Table

TOKEN = "A" * 11 + "b" * 11


class FakeClock:
    """The server's clock for heads' deadlines: it moves only when a test moves it, and a test
    can wait until the server has read it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0
        self.changed = threading.Condition()

    def __call__(self) -> float:
        with self.changed:
            self.reads += 1
            self.changed.notify_all()
            return self.now

    def wait_for_reads(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.reads >= count, timeout=10)


@contextmanager
def serving(table: Table, log: list[str], clock: FakeClock) -> Iterator[int]:
    """The server running on a free port of 127.0.0.1 (its port), stopped afterwards."""
    running = ShareServer(("127.0.0.1", 0), TOKEN, table, log.append, clock)
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield running.server_address[1]
    finally:
        running.shutdown()
        running.server_close()
        thread.join(5)


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a connection of its own: the status, headers and body of the answer.
    Only the headers given are sent (and Host), plus Content-Length for a body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        for key, value in pairs:
            connection.putheader(key, value)
        if body is not None and not any(k.lower() == "content-length" for k, _ in pairs):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
