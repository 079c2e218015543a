"""The read-only web server of `share`: a table of resources behind a secret, nothing else.

A request's path is never turned into a file name: after the secret, the rest of the path must
be one of the table's keys, exactly (no decoding, no normalising), so `..`, encoded traversal
and absolute paths simply name nothing. Anything without the secret, or not in the table, is a
404 that says no more; only GET and HEAD exist. Audio answers range requests, which phones
(Safari first of all) need to play and seek.
"""

from __future__ import annotations

import hmac
import http.server
import re
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from voice_coach.errors import describe

CHUNK = 64 * 1024
MOST_HEADER_BYTES = 16 * 1024
"""A request's headers beyond this are refused (400): a phone sends well under 2 KB."""
TIMEOUT_S = 15
"""A connection that sends nothing for this long is closed (a slow client holds no thread)."""
MOST_CONNECTIONS = 64
"""Connections served at once (a phone opens a handful); more are closed at once, so a flood
cannot make a thread each."""
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class Resource:
    """What one URL serves: bytes made on request, or a file found by the server's own table."""

    content_type: str
    body: Callable[[], bytes] | None = None
    file: Callable[[], Path] | None = None
    """Called on request: the file (it may be rendered first, which can take a while)."""


Table = Callable[[str], Resource | None]
"""The resource named by a path after the secret (e.g. "feed.xml"), or None."""


class ShareServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self, address: tuple[str, int], token: str, table: Table, log: Callable[[str], None]
    ) -> None:
        self.token = token
        self.table = table
        self.log = log
        self.slots = threading.BoundedSemaphore(MOST_CONNECTIONS)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke (reset, timed out) is no news: nothing on the terminal."""

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def _ranges(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The single byte range asked for (first, last), None for the whole file, or "bad"
    (unsatisfiable: 416)."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None  # a form we do not serve (several ranges): the whole file, as RFC 9110 allows
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            return "bad"
        return max(0, size - count), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "bad"
    return start, end


class _Handler(http.server.BaseHTTPRequestHandler):
    server: ShareServer
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT_S
    server_version = "voice-coach"
    sys_version = ""
    shown = "(not shared)"
    """The path as logged: the resource's own name, never the request's raw text."""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # each answer is logged once, by `_log`, without the secret

    def _log(self, status: int) -> None:
        method = self.command if self.command in ("GET", "HEAD") else "other method"
        self.server.log(f"{method} {self.shown} {status}")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code in (414, 431):  # a request line or a header too long: a bad request, said plainly
            code = 400
        self.close_connection = True
        self.send_response_only(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        body = f"{code}\n".encode()
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self._log(code)  # before the answer leaves: a client that reads it finds it logged
        self.end_headers()
        if self.command != "HEAD" and code >= 200:
            self.wfile.write(body)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > MOST_HEADER_BYTES:
            self.send_error(400)
            return False
        return True

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
        return resource

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _refuse(self) -> None:
        self.send_error(405)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def _answer(self, body: bool) -> None:
        resource = self._resource()
        if resource is None:
            self.send_error(404)
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
            size = path.stat().st_size
            wanted = _ranges(self.headers.get("Range"), size)
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
