"""The read-only web server of `share`: a table of resources behind a secret, nothing else.

A request's path is never turned into a file name: after the secret, the rest of the path must
be one of the table's keys, exactly (no decoding, no normalising), so `..`, encoded traversal
and absolute paths simply name nothing. Anything without the secret, or not in the table, is a
404 that says no more, whatever the method. Only GET and HEAD exist, but for one address that
takes a POST (the log's, see `writes` for what a write must pass, and `inbox`); `share
--read-only` serves without it. Audio answers range requests, which phones
(Safari first of all) need to play and seek, with a validator (ETag, If-Range) so that a resumed
download never splices two versions of a file.

Nothing a client sends can hold the server: a request's head is read under a deadline and
counted as it arrives (`head`), and connections are capped in all and per address, a connection
still waiting for its request giving its slot to a newcomer (`slots`).
"""

from __future__ import annotations

import contextlib
import hmac
import http.server
import io
import json
import os
import re
import socket
import socketserver
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any, BinaryIO, cast

from voice_coach.errors import describe
from voice_coach.share import writes
from voice_coach.share.head import HeadTooLarge, read_head
from voice_coach.share.slots import Slots

CHUNK = 64 * 1024
MOST_HEADER_BYTES = 16 * 1024
"""A request's head (request line and headers) beyond this is refused (400) as it arrives: a
phone sends well under 2 KB."""
MOST_HEADER_LINES = 64
"""Header lines beyond this are refused (400) too: a phone sends about 15."""
HEAD_DEADLINE_S = 10
"""A connection whose whole request has not arrived this long after it began waiting for it (a
new connection, or a kept-alive one after its last answer) is closed, however it trickles in."""
TIMEOUT_S = 15
"""While answering, a client that reads nothing for this long is dropped (it holds no thread)."""
MOST_CONNECTIONS = 64
"""Connections served at once (a phone opens a handful); see `slots` for who gives one up."""
MOST_PER_CLIENT = 16
"""Connections one address may hold: a browser opens 6 per server, a podcast app one or two."""
LINGER_BYTES = 256 * 1024
"""After refusing a head, what is read and dropped before closing, so that the refusal reaches
a client still sending (closing with its bytes unread would reset the connection first)."""
LINGER_S = 1.0
ALLOWED = "GET, HEAD"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_MOST_DIGITS = 18
"""A byte position longer than this is past the end of any file (and `int` of 5,000 digits
is refused by Python itself)."""


@dataclass(frozen=True)
class Answer:
    """What a POST is answered: a status and a JSON object, and what the terminal says of it
    besides the status (our own words: never anything the client sent)."""

    status: int
    payload: dict[str, object]
    note: str | None = None


@dataclass(frozen=True)
class Resource:
    """What one URL serves: bytes made on request, or a file found by the server's own table;
    or, for the one address that takes a POST, what its body is answered."""

    content_type: str
    body: Callable[[], bytes] | None = None
    file: Callable[[], Path] | None = None
    """Called on request: the file (it may be rendered first, which can take a while)."""
    post: Callable[[bytes], Answer] | None = None
    """Called with a body that passed every check of `writes` (the only way to write)."""

    @property
    def allowed(self) -> str:
        return "POST" if self.post is not None else ALLOWED


Table = Callable[[str], Resource | None]
"""The resource named by a path after the secret (e.g. "feed.xml"), or None."""


class ShareServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        token: str,
        table: Table,
        log: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.table = table
        self.log = log
        self.clock = clock
        """What the head's deadline is measured on (tests move a fake one)."""
        self.slots = Slots(MOST_CONNECTIONS, MOST_PER_CLIENT)
        self.writes = writes.Budget(writes.MOST_WRITES, writes.WRITES_WINDOW_S, clock)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.origin = writes.origin_of(address[0], self.server_address[1])
        """The origin of the page this server serves: a write from any other is refused."""
        self.any_address = address[0] in ("", "0.0.0.0", "::")

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.admit(request, str(client_address[0])):
            super().shutdown_request(request)  # closed at once, without a thread or a word
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.slots.leave(request)  # first: its slot is no longer anyone's to hang up
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke (reset, timed out) is no news: nothing on the terminal."""


def _ranges(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The single byte range asked for (first, last), None for the whole file, or "bad"
    (unsatisfiable: 416). A range that is not valid (last before first, several ranges) is
    ignored, as RFC 9110 says: the whole file."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None  # a form we do not serve (several ranges): the whole file, as RFC 9110 allows
    first, last = (_position(text) for text in match.groups())
    if first is None and last is None:
        return None
    if first is None:  # the last N bytes
        assert last is not None
        if last == 0:
            return "bad"
        return max(0, size - last), size - 1
    if last is not None and last < first:
        return None
    if first >= size:
        return "bad"
    return first, size - 1 if last is None else min(last, size - 1)


def _position(digits: str) -> int | None:
    if not digits:
        return None
    return int(digits) if len(digits) <= _MOST_DIGITS else 10**_MOST_DIGITS


class _Handler(http.server.BaseHTTPRequestHandler):
    server: ShareServer
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT_S
    server_version = "voice-coach"
    sys_version = ""
    shown = "(not shared)"
    """The path as logged: the resource's own name, never the request's raw text."""
    allowed = ALLOWED
    """The methods a 405 names: those of the resource asked for."""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # each answer is logged once, by `_log`, without the secret

    def _log(self, status: int, note: str | None = None) -> None:
        if self.command in ("GET", "HEAD", "POST"):
            method = self.command
        else:
            method = "other method" if self.command else "request"
        self.server.log(f"{method} {self.shown} {status}" + (f" ({note})" if note else ""))

    def handle_one_request(self) -> None:
        """One request on this connection: its head read under the limits (`head`), then
        answered; what the standard library parses is only ever a head that passed them."""
        self.command, self.request_version, self.requestline = "", "", ""
        self.shown = "(not shared)"  # nothing of the last request on this connection is kept
        self.allowed = ALLOWED
        slots, connection = self.server.slots, self.connection
        try:
            head = read_head(
                cast(io.BufferedReader, self.rfile),
                connection,
                self.server.clock() + HEAD_DEADLINE_S,
                self.server.clock,
                MOST_HEADER_BYTES,
                MOST_HEADER_LINES,
            )
        except HeadTooLarge:
            self.shown = "(head too large)"
            self.send_error(400)
            self._linger()
            return
        except OSError:  # the deadline passed (TimeoutError), or the connection broke
            head = None
        if head is None or not slots.answering(connection):
            self.close_connection = True
            return
        try:
            connection.settimeout(TIMEOUT_S)
            if self._parsed(head):
                getattr(self, f"do_{self.command}", self._unknown)()
                self.wfile.flush()
        except OSError:  # the client went away, or stopped reading for TIMEOUT_S
            self.close_connection = True
        slots.waiting(connection)

    def _parsed(self, head: list[bytes]) -> bool:
        """The standard library's parse of a head already read (a `False` has been answered)."""
        self.raw_requestline = head[0]
        socket_file = self.rfile
        self.rfile = io.BytesIO(b"".join(head[1:]) + b"\r\n")
        try:
            return super().parse_request()
        finally:
            self.rfile = socket_file

    def _unknown(self) -> None:
        self.send_error(501)

    def _linger(self) -> None:
        """Read and drop what the client still sends (a bounded amount, for a bounded time)
        after our answer, so that it reads the answer rather than a reset."""
        clock = self.server.clock
        deadline, left = clock() + LINGER_S, LINGER_BYTES
        with contextlib.suppress(OSError):  # a timeout included: that is the end of it
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            while left > 0 and (remaining := deadline - clock()) > 0:
                self.connection.settimeout(remaining)
                data = self.connection.recv(min(left, CHUNK))
                if not data:
                    return
                left -= len(data)

    def send_response_only(self, code: int, message: str | None = None) -> None:
        super().send_response_only(code, message)
        self.send_header("Date", formatdate(usegmt=True))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code in (414, 431):  # a request line or a header too long: a bad request, said plainly
            code = 400
        self.close_connection = True
        self.send_response_only(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        body = f"{code}\n".encode()
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        if code == 405:
            self.send_header("Allow", self.allowed)
        self._log(code)  # before the answer leaves: a client that reads it finds it logged
        self.end_headers()
        if self.command != "HEAD" and code >= 200:
            self.wfile.write(body)

    def _resource(self) -> Resource | None:
        path = self.path.split("?", 1)[0]
        prefix = f"/{self.server.token}/"
        if len(path) > 200 or not hmac.compare_digest(
            path[: len(prefix)].encode(), prefix.encode()
        ):
            return None
        name = path[len(prefix) :]
        resource = self.server.table(name)
        if resource is not None:
            self.shown = "/" + name
            self.allowed = resource.allowed
        return resource

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _refuse(self) -> None:
        """Without the secret, or outside the table, a 404 whatever the method (nothing tells
        what exists); else a 405 that names the methods the resource has."""
        self.send_error(404 if self._resource() is None else 405)
        self._linger()  # a body it may have sent is left unread: the answer must still arrive

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def do_POST(self) -> None:
        resource = self._resource()
        if resource is None or resource.post is None:
            self._refuse()
            return
        body = self._body()
        if body is None:
            return  # refused (and said), or the client went away
        try:
            answer = resource.post(body)
        except Exception as exc:  # our bug: said once, the server goes on
            self.server.log(f"could not serve {self.shown}: {describe(exc)}")
            answer = Answer(500, {"error": "the computer met a problem (see its terminal)"})
        self._send_json(answer.status, answer.payload, note=answer.note)

    def _body(self) -> bytes | None:
        """The body of a write that passed every check of `writes`; None when it was refused
        (answered here) or did not arrive."""
        refused = self._refusal()
        if refused is not None:
            status, why, extra = refused
            self._send_json(status, {"error": why}, close=True, extra=extra)
            self._linger()  # the body is left unread: the answer must still arrive
            return None
        server = self.server
        try:
            body = writes.read_body(
                cast(io.BufferedReader, self.rfile),
                self.connection,
                int(self.headers["Content-Length"]),
                server.clock() + writes.BODY_DEADLINE_S,
                server.clock,
            )
        except OSError:  # the deadline passed, or the connection broke
            body = None
        if body is None:
            self.close_connection = True
        return body

    def _refusal(self) -> tuple[int, str, dict[str, str]] | None:
        """Why a write may not be read (status, the words, headers), in the order a client can
        do something about it; None when it may."""
        server, headers = self.server, self.headers
        origins = headers.get_all("Origin") or []
        if not writes.origin_allowed(
            origins, server.origin, headers.get("Host"), server.any_address
        ):
            return 403, "this page may only be sent from its own address", {}
        if headers.get_content_type() != "application/json":
            return 415, "send JSON (Content-Type: application/json)", {}
        lengths = headers.get_all("Content-Length") or []
        if not lengths or headers.get("Transfer-Encoding") is not None:
            return 411, "send a Content-Length", {}
        length = writes.declared_length(lengths)
        if length is None:
            return 400, "the Content-Length is not a number", {}
        if length > writes.MOST_BODY_BYTES:
            return 413, f"a send is at most {writes.MOST_BODY_BYTES} bytes", {}
        # Counted last: a request refused above costs nothing, so a misbehaving client cannot
        # spend the minute's budget that the phone's real sends need.
        wait = server.writes.take()
        if wait is not None:
            return (
                429,
                "too many sends this minute: try again later",
                {"Retry-After": str(round(wait))},
            )
        return None

    def _send_json(
        self,
        status: int,
        payload: dict[str, object],
        note: str | None = None,
        close: bool = False,
        extra: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload, ensure_ascii=True).encode() + b"\n"
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if close:
            self.close_connection = True
            self.send_header("Connection", "close")
        self._log(status, note)
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, body: bool) -> None:
        resource = self._resource()
        if resource is None:
            self.send_error(404)
            return
        if resource.post is not None:
            self.send_error(405)
            return
        try:
            if resource.file is not None:
                self._send_file(resource.file(), resource.content_type, body)
            else:
                assert resource.body is not None
                self._send_bytes(resource.body(), resource.content_type, body)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the phone went away or seeked elsewhere
        except Exception as exc:  # e.g. a full disk while rendering: said once, server goes on
            self.server.log(f"could not serve {self.shown}: {describe(exc)}")
            self.send_error(500)

    def _headers(self, status: int, content_type: str, length: int) -> None:
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")

    def _send_bytes(self, data: bytes, content_type: str, body: bool) -> None:
        self._headers(200, content_type, len(data))
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            "media-src 'self'",
        )
        self._log(200)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_file(self, path: Path, content_type: str, body: bool) -> None:
        with path.open("rb") as file:
            stat = os.fstat(file.fileno())  # the file being read, even if renamed over meanwhile
            size = stat.st_size
            tag = f'"{stat.st_ino:x}-{size:x}-{stat.st_mtime_ns:x}"'
            modified = formatdate(stat.st_mtime, usegmt=True)
            asked = self.headers.get("Range")
            if self.headers.get("If-Range", tag) not in (tag, modified):
                asked = None  # a resumed download of a file that changed: all of the new one
            wanted = _ranges(asked, size)
            if isinstance(wanted, str):  # "bad"
                self.send_response_only(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self._log(416)
                self.end_headers()
                return
            first, last = (0, size - 1) if wanted is None else wanted
            status = 200 if wanted is None else 206
            self._headers(status, content_type, last - first + 1)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", modified)
            if status == 206:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self._log(status)
            self.end_headers()
            if body:
                _copy(file, self.wfile, first, last - first + 1)


def _copy(source: BinaryIO, out: Any, start: int, count: int) -> None:
    source.seek(start)
    while count > 0:
        chunk = source.read(min(CHUNK, count))
        if not chunk:
            break
        out.write(chunk)
        count -= len(chunk)
