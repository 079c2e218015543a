"""The share server on 127.0.0.1 with a table of its own: the secret, the table, methods, header
limits, range requests and what it logs. Fast: no speech, no rendering."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voice_coach.share.server import MOST_CONNECTIONS, Resource, ShareServer, _ranges

TOKEN = "A" * 11 + "b" * 11


@dataclass
class Running:
    port: int
    log: list[str]
    data: bytes
    asked: list[str]

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for key, value in (headers or {}).items():
                connection.putheader(key, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    data = bytes(range(256)) * 400  # 102,400 bytes, every offset recognisable
    audio = tmp_path / "audio.bin"
    audio.write_bytes(data)
    secret = tmp_path / "secret.txt"
    secret.write_text("not to be served")
    asked: list[str] = []

    def full_disk() -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "two.mp3"))

    table = {
        "": Resource("text/html", body=lambda: b"<p>page</p>"),
        "one.mp3": Resource("audio/mpeg", file=lambda: audio),
        "two.mp3": Resource("audio/mpeg", file=full_disk),
    }

    def look_up(name: str) -> Resource | None:
        asked.append(name)
        return table.get(name)

    log: list[str] = []
    running = ShareServer(("127.0.0.1", 0), TOKEN, look_up, log.append)
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Running(running.server_address[1], log, data, asked)
    finally:
        running.shutdown()
        running.server_close()
        thread.join(5)


def test_the_page_and_a_file_are_served_behind_the_secret(server: Running) -> None:
    status, headers, body = server.request("GET", f"/{TOKEN}/")
    assert (status, body) == (200, b"<p>page</p>")
    assert headers["Content-Type"] == "text/html"
    status, headers, body = server.request("GET", f"/{TOKEN}/one.mp3")
    assert (status, body) == (200, server.data)
    assert headers["Accept-Ranges"] == "bytes"
    status, headers, body = server.request("HEAD", f"/{TOKEN}/one.mp3")
    assert (status, body, headers["Content-Length"]) == (200, b"", str(len(server.data)))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/one.mp3",
        "/" + "A" * 22 + "/one.mp3",  # a wrong secret of the right form
        f"/{TOKEN[:-1]}/one.mp3",
        f"/{TOKEN}/../secret.txt",
        f"/{TOKEN}/%2e%2e/secret.txt",
        f"/{TOKEN}/%2E%2E%2Fsecret.txt",
        f"/{TOKEN}/..%2fsecret.txt",
        f"/{TOKEN}//etc/passwd",
        f"/{TOKEN}/one.mp3/",
        f"/{TOKEN}/ONE.MP3",
        f"/{TOKEN}/one.mp3%00",
        "/etc/passwd",
        f"http://127.0.0.1/{TOKEN}/secret.txt",
        f"/{TOKEN}/" + "x" * 5000,
    ],
)
def test_anything_but_a_listed_name_behind_the_secret_is_404_and_serves_nothing(
    server: Running, path: str
) -> None:
    status, _, body = server.request("GET", path)
    assert status == 404
    assert b"not to be served" not in body and server.data[:100] not in body
    assert server.request("GET", f"/{TOKEN}/")[0] == 200  # and it goes on serving


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_exist(server: Running, method: str) -> None:
    status, _, body = server.request(method, f"/{TOKEN}/one.mp3")
    assert status == 405 and server.data[:100] not in body
    assert server.request("GET", f"/{TOKEN}/")[0] == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Huge": "a" * 70_000},  # one line past http.server's own limit
        {"X-Big": "a" * 20_000},  # past ours
        {f"X-Many-{i}": "a" for i in range(150)},  # more headers than http.server takes
    ],
)
def test_a_huge_header_is_a_bad_request_and_the_server_goes_on(
    server: Running, headers: dict[str, str]
) -> None:
    try:
        status, _, body = server.request("GET", f"/{TOKEN}/one.mp3", headers)
    except (ConnectionResetError, BrokenPipeError):
        status, body = 400, b""  # it may hang up before the client has sent everything
    assert status == 400 and server.data[:100] not in body
    assert server.request("GET", f"/{TOKEN}/")[0] == 200


def test_a_range_request_gets_206_and_exactly_those_bytes(server: Running) -> None:
    size = len(server.data)
    for asked, first, last in [
        ("bytes=0-1", 0, 1),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=100000-", 100000, size - 1),
        ("bytes=-500", size - 500, size - 1),
        ("bytes=102000-999999", 102000, size - 1),
    ]:
        status, headers, body = server.request("GET", f"/{TOKEN}/one.mp3", {"Range": asked})
        assert status == 206, asked
        assert headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert body == server.data[first : last + 1]
        assert headers["Content-Length"] == str(last - first + 1)
    status, headers, body = server.request("GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=999999-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}" and body == b""


def test_the_log_shows_method_path_and_status_but_never_the_secret(server: Running) -> None:
    server.request("GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=0-9"})
    with socket.create_connection(("127.0.0.1", server.port)) as raw:  # what a client may send
        raw.sendall(f"GET /{TOKEN}/../\x1b[31mred HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 404")
    server.request("POST", f"/{TOKEN}/")
    assert server.log == [
        "GET /one.mp3 206",
        "GET (not shared) 404",
        "other method (not shared) 405",
    ]
    assert not any(TOKEN in line or "\x1b" in line for line in server.log)


def test_a_client_that_sends_nothing_does_not_stop_others(server: Running) -> None:
    idle = socket.create_connection(("127.0.0.1", server.port))
    try:
        assert server.request("GET", f"/{TOKEN}/")[0] == 200
    finally:
        idle.close()


@given(st.integers(1, 10_000), st.integers(0, 12_000), st.integers(0, 12_000))
def test_a_satisfiable_range_is_inside_the_file_and_starts_where_asked(
    size: int, first: int, last: int
) -> None:
    got = _ranges(f"bytes={first}-{last}", size)
    if first >= size or last < first:
        assert got == "bad"
    else:
        assert got == (first, min(last, size - 1))


def _closed_by_server(connections: list[socket.socket]) -> list[bool]:
    """For each connection, whether the server has closed it (end of stream, readable at once)
    or still holds it open (nothing to read)."""
    readable, _, _ = select.select(connections, [], [], 0.5)
    closed = []
    for connection in connections:
        if connection not in readable:
            closed.append(False)
            continue
        try:
            closed.append(connection.recv(1) == b"")
        except ConnectionResetError:
            closed.append(True)
    return closed


def test_a_flood_of_idle_connections_is_bounded_and_the_server_recovers(server: Running) -> None:
    """What the server must do: hold at most MOST_CONNECTIONS connections (a thread each) and
    close every one beyond them at once, without a word; answer again as soon as the flood
    lets go; and log nothing of it."""
    extra = 16
    idle = [
        socket.create_connection(("127.0.0.1", server.port))
        for _ in range(MOST_CONNECTIONS + extra)
    ]
    try:
        time.sleep(0.5)  # all accepted by now
        closed = _closed_by_server(idle)
        assert sum(closed) == extra  # exactly those beyond the limit, at once
        assert not any(closed[:MOST_CONNECTIONS])  # the first ones are held (until idle)
        assert threading.active_count() <= MOST_CONNECTIONS + 8  # not a thread per connection
        status = None
        # at its limit, the server closes a new connection too, and stays up
        with contextlib.suppress(ConnectionResetError, http.client.RemoteDisconnected):
            status = server.request("GET", f"/{TOKEN}/")[0]
        assert status is None
    finally:
        for connection in idle:
            connection.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if server.request("GET", f"/{TOKEN}/")[0] == 200:
                break
        except (ConnectionResetError, http.client.RemoteDisconnected):
            time.sleep(0.1)
    else:
        pytest.fail("the server did not recover")
    assert server.log == ["GET / 200"]  # the flood itself left no line on the terminal


def test_a_file_that_cannot_be_made_is_a_500_and_one_line_and_serving_goes_on(
    server: Running,
) -> None:
    status, _, _ = server.request("GET", f"/{TOKEN}/two.mp3")
    assert status == 500
    assert server.request("GET", f"/{TOKEN}/one.mp3")[0] == 200
    said = [line for line in server.log if "two.mp3" in line]
    assert said[0].startswith("could not serve /two.mp3: ") and "free some disk space" in said[0]
    assert said[1] == "GET /two.mp3 500" and len(said) == 2
