"""The share server on 127.0.0.1 with a table of its own: the secret, the table, methods, header
limits, range requests, connections that misbehave, and what it logs. Fast: no speech, no
rendering, and no waiting on the clock (the head's deadline runs on a fake one)."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import select
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.share_server import TOKEN, FakeClock, request, serving

from voice_coach.share.server import (
    HEAD_DEADLINE_S,
    MOST_CONNECTIONS,
    MOST_HEADER_BYTES,
    MOST_HEADER_LINES,
    MOST_PER_CLIENT,
    Resource,
    _ranges,
)


@dataclass
class Running:
    port: int
    log: list[str]
    data: bytes
    asked: list[str]
    clock: FakeClock
    audio: Path

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return request(self.port, method, path, headers)


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
    clock = FakeClock()
    with serving(look_up, log, clock) as port:
        yield Running(port, log, data, asked, clock, audio)


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


def _answer(raw: socket.socket) -> bytes:
    """Everything the server sends until it closes (never more than the answers of the test)."""
    received = b""
    while chunk := raw.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Huge", "a" * 70_000)],  # one line past http.server's own limit
        [("X-Big", "a" * 20_000)],  # past ours
        [(f"X-Many-{i}", "a") for i in range(150)],  # more headers than http.server takes
        [(f"X-Flood-{i}", "a" * 60_000) for i in range(100)],  # 6 MB, each line under 64 KB
    ],
    ids=["70-kb-line", "20-kb-line", "150-lines", "6-mb"],
)
def test_a_huge_header_gets_a_400_the_client_reads_and_the_server_goes_on(
    server: Running, headers: list[tuple[str, str]]
) -> None:
    """The 400 must arrive: a connection dropped (reset before the answer) is not a 400."""
    head = f"GET /{TOKEN}/one.mp3 HTTP/1.1\r\nHost: x\r\n"
    head += "".join(f"{key}: {value}\r\n" for key, value in headers) + "\r\n"
    with server.connect() as raw:

        def send() -> None:  # beside the reading: the answer comes before the head is all sent
            with contextlib.suppress(OSError):  # it stopped reading a flood: what counts is
                raw.sendall(head.encode())  # what it answered

        sending = threading.Thread(target=send)
        sending.start()
        answer = raw.recv(65536)
        sending.join(10)
    assert answer.startswith(b"HTTP/1.1 400 ") and server.data[:100] not in answer
    assert server.log == ["request (head too large) 400"]
    assert server.request("GET", f"/{TOKEN}/")[0] == 200


@pytest.mark.parametrize(
    "head",
    [
        f"GET /{TOKEN}/ HTTP/1.1\r\nX-Big: ".encode() + b"a" * MOST_HEADER_BYTES,
        f"GET /{TOKEN}/ HTTP/1.1\r\n".encode() + b"X-A: a\r\n" * (MOST_HEADER_LINES + 1),
        b"GET /" + b"a" * MOST_HEADER_BYTES,
    ],
    ids=["bytes", "lines", "request-line"],
)
def test_a_head_over_a_limit_is_refused_as_it_arrives_not_at_its_end(
    server: Running, head: bytes
) -> None:
    """The head never ends (no blank line): the standard library would wait for up to 6 MB
    of it; the limits must be counted while it is read."""
    with server.connect() as raw:
        raw.sendall(head)
        assert _answer(raw).startswith(b"HTTP/1.1 400 ")


def test_a_head_that_trickles_in_is_closed_at_its_deadline(server: Running) -> None:
    """One byte every few seconds kept a connection (and its thread) for ever: the timeout
    was per read. The whole head has a deadline."""
    with server.connect() as slow:
        slow.sendall(b"GET /")
        server.clock.wait_for_reads(2)  # the server has set the deadline and is reading
        server.clock.now += HEAD_DEADLINE_S + 1
        slow.sendall(b"x")  # a byte in time for a per-read timeout, after the head's deadline
        assert _answer(slow) == b""
    assert server.log == []  # no word on the terminal
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
        "POST / 405",
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
    if last < first:
        assert got is None  # not a valid range: ignored (RFC 9110), the whole file
    elif first >= size:
        assert got == "bad"
    else:
        assert got == (first, min(last, size - 1))


@pytest.mark.parametrize(
    ("asked", "status", "first", "last"),
    [
        ("bytes=0-" + "9" * 5000, 206, 0, 102_399),
        ("bytes=" + "9" * 5000 + "-", 416, 0, 0),
        ("bytes=-" + "9" * 5000, 206, 0, 102_399),
        ("bytes=" + "9" * 5000 + "-" + "9" * 5001, 416, 0, 0),
        ("bytes=5-2", 200, 0, 102_399),
        ("bytes=" + "9" * 5000 + "-2", 200, 0, 102_399),
    ],
    ids=["last", "first", "suffix", "both", "last-before-first", "huge-first-before-last"],
)
def test_a_range_of_5000_digits_or_backwards_is_416_or_the_whole_file_never_500(
    server: Running, asked: str, status: int, first: int, last: int
) -> None:
    got, _, body = server.request("GET", f"/{TOKEN}/one.mp3", {"Range": asked})
    assert got == status
    if status != 416:
        assert body == server.data[first : last + 1]


def _closed(connection: socket.socket) -> bool:
    """Whether the server closed it: waits for its end of stream (or reset), up to 10 s."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_flood_of_idle_connections_gives_way_to_a_phones_request(server: Running) -> None:
    """Connections that send nothing (or trickle) held every slot, and every real request was
    closed at once. Now one address holds at most MOST_PER_CLIENT, the one waiting longest
    gives its slot to a newcomer, and a request that arrives whole is answered; the flood
    leaves no line on the terminal. Nothing here waits on a clock: each connection that gives
    way is seen closed (all of them have then been accepted)."""
    flood = [server.connect() for _ in range(MOST_CONNECTIONS + 16)]
    try:
        gave_way, held = flood[:-MOST_PER_CLIENT], flood[-MOST_PER_CLIENT:]
        assert all(_closed(connection) for connection in gave_way)  # oldest first
        readable, _, _ = select.select(held, [], [], 0)
        assert readable == []  # the newest are held (until their deadline)
        assert threading.active_count() <= MOST_CONNECTIONS + 8  # not a thread per connection
        assert server.request("GET", f"/{TOKEN}/")[0] == 200  # during the flood
    finally:
        for connection in flood:
            connection.close()
    assert server.log == ["GET / 200"]


def test_a_file_that_cannot_be_made_is_a_500_and_one_line_and_serving_goes_on(
    server: Running,
) -> None:
    status, _, _ = server.request("GET", f"/{TOKEN}/two.mp3")
    assert status == 500
    assert server.request("GET", f"/{TOKEN}/one.mp3")[0] == 200
    said = [line for line in server.log if "two.mp3" in line]
    assert said[0].startswith("could not serve /two.mp3: ") and "free some disk space" in said[0]
    assert said[1] == "GET /two.mp3 500" and len(said) == 2


def test_a_206_sends_exactly_its_content_length_not_a_byte_more(server: Running) -> None:
    """Read from the socket itself: a client stops at Content-Length and never sees a byte too
    many, which would be taken for the start of the next answer on a kept-alive connection."""
    for asked, first, last in [("bytes=10-19", 10, 19), ("bytes=-5", 102_395, 102_399)]:
        with server.connect() as raw:
            raw.sendall(
                f"GET /{TOKEN}/one.mp3 HTTP/1.1\r\nHost: x\r\nRange: {asked}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            head, _, body = _answer(raw).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 206 ")
        assert f"\r\nContent-Length: {last - first + 1}\r\n".encode() in head + b"\r\n"
        assert body == server.data[first : last + 1]


def test_every_answer_is_dated_and_a_405_says_what_is_allowed(server: Running) -> None:
    for method, path, headers, expected in [
        ("GET", f"/{TOKEN}/", {}, 200),
        ("GET", f"/{TOKEN}/one.mp3", {}, 200),
        ("GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=0-0"}, 206),
        ("GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=999999-"}, 416),
        ("GET", "/nothing", {}, 404),
        ("POST", f"/{TOKEN}/", {}, 405),
    ]:
        status, got, _ = server.request(method, path, headers)
        assert status == expected
        assert parsedate_to_datetime(got["Date"]).tzinfo is not None, (status, got)
        if status == 405:
            assert got["Allow"] == "GET, HEAD"


def test_a_resumed_download_of_a_changed_file_gets_the_whole_new_file(server: Running) -> None:
    """Files carry an ETag and Last-Modified, and a range asked If-Range an old one is ignored:
    never the end of the new file spliced onto the start of the old."""
    status, headers, _ = server.request("GET", f"/{TOKEN}/one.mp3")
    tag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and tag.startswith('"') and parsedate_to_datetime(modified)
    for validator in (tag, modified):
        status, _, body = server.request(
            "GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=100-", "If-Range": validator}
        )
        assert (status, body) == (206, server.data[100:])  # unchanged: the rest of it
    new = bytes(reversed(server.data))
    renamed = server.audio.with_name("new.bin")
    renamed.write_bytes(new)
    renamed.replace(server.audio)  # as the store writes: a new file renamed over the old
    status, headers, body = server.request(
        "GET", f"/{TOKEN}/one.mp3", {"Range": "bytes=100-", "If-Range": tag}
    )
    assert (status, body) == (200, new)
    assert headers["ETag"] != tag


def test_the_log_on_a_kept_alive_connection_names_each_requests_own_path(
    server: Running,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for path in (f"/{TOKEN}/one.mp3", f"/{TOKEN}/nothing", f"/{TOKEN}/"):
            connection.request("HEAD", path)
            connection.getresponse().read()
    finally:
        connection.close()
    assert server.log == ["HEAD /one.mp3 200", "HEAD (not shared) 404", "HEAD / 200"]
