"""POST /<secret>/log, the one thing a phone can write, on 127.0.0.1 with the real inbox and the
real log (in the test's own home): every status, a retry that logs nothing, a flood that leaves
the log as many sessions as were answered 201, hostile bodies, a log that is busy or broken,
and a terminal that never shows the secret or the body. Fast: no speech, no rendering, and the
clock that counts writes is the test's."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from support.share_server import TOKEN, FakeClock, request, serving

from voice_coach.journal import log
from voice_coach.share import writes
from voice_coach.share.inbox import Inbox
from voice_coach.share.server import Resource

EXERCISES = ("pelvic-tilts", "clam-shell")
JSON = {"Content-Type": "application/json"}


@dataclass
class Running:
    port: int
    said: list[str]
    clock: FakeClock

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(
        self,
        body: bytes | dict[str, object],
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
        path: str = f"/{TOKEN}/log",
    ) -> tuple[int, dict[str, str], bytes]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        return request(self.port, "POST", path, JSON if headers is None else headers, data)


@contextlib.contextmanager
def started(clock: FakeClock, said: list[str]) -> Iterator[Running]:
    inbox = Inbox({"my-routine": EXERCISES, "pelvic-tilts": ("pelvic-tilts",)})
    table = {
        "": Resource("text/html", body=lambda: b"<p>page</p>"),
        "log": Resource("application/json", post=inbox.post),
    }
    with serving(table.get, said, clock) as port:
        yield Running(port, said, clock)


@pytest.fixture
def server() -> Iterator[Running]:
    said: list[str] = []
    with started(FakeClock(), said) as running:
        yield running
    assert not any(TOKEN in line or "\x1b" in line or "<" in line for line in said), said


def session(**changes: object) -> dict[str, object]:
    return {
        "id": "f3a9c1d2e4b5a6978877665544332211",
        "routine": "my-routine",
        "date": dt.date.today().isoformat(),  # at the test's time: a run may cross midnight
        "pain_before": 6,
        "pain_after": 4,
        "effects": {"clam-shell": "better"},
    } | changes


def rows() -> list[tuple[object, ...]]:
    """Every row of the log's tables, to show that nothing at all was written."""
    path = log.log_path()
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as db:
        found = db.execute("SELECT * FROM sessions").fetchall()
        found += db.execute("SELECT * FROM exercises").fetchall()
        return found + db.execute("SELECT * FROM phone_sends").fetchall()


def test_a_session_is_logged_201_and_the_same_id_again_is_200_and_logs_nothing(
    server: Running,
) -> None:
    status, headers, body = server.post(session())
    assert status == 201 and headers["Content-Type"] == "application/json"
    logged = json.loads(body)["id"]
    assert server.post(session(pain_after=0))[0:3:2] == (200, body)  # a retry, answer lost
    (entry,) = log.sessions()
    assert entry == log.Entry(
        dt.date.today(),
        "my-routine",
        tuple(sorted(EXERCISES)),  # as the log reads them back
        pain_before=6,
        pain_after=4,
        effects={"clam-shell": "better"},
        source="phone",
        id=logged,
    )
    assert server.said == ["POST /log 201", "POST /log 200"]


def test_a_retry_after_a_restart_is_still_200() -> None:
    said: list[str] = []
    with started(FakeClock(), said) as first:
        assert first.post(session())[0] == 201
    with started(FakeClock(), said) as second:
        assert second.post(session())[0] == 200
    assert len(log.sessions()) == 1


def test_null_pain_and_no_effects_are_a_session_too(server: Running) -> None:
    status, _, _ = server.post(session(pain_before=None, pain_after=None, effects={}))
    assert status == 201
    (entry,) = log.sessions()
    assert (entry.pain_before, entry.pain_after, entry.effects) == (None, None, {})


@pytest.mark.parametrize(
    "path",
    ["/log", "/" + "A" * 22 + "/log", f"/{TOKEN[:-1]}/log", f"/{TOKEN}/log/", f"/{TOKEN}/LOG"],
)
def test_without_the_secret_a_post_is_404_exactly_as_a_get(server: Running, path: str) -> None:
    posted = server.post(session(), path=path)
    got = request(server.port, "GET", path)
    assert posted[0] == got[0] == 404 and posted[2] == got[2]
    assert rows() == []


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_any_other_method_on_the_log_is_405_naming_post(server: Running, method: str) -> None:
    status, headers, _ = request(server.port, method, f"/{TOKEN}/log", JSON, b"{}")
    assert status == 405 and headers["Allow"] == "POST"
    status, headers, _ = request(server.port, "POST", f"/{TOKEN}/", JSON, b"{}")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert request(server.port, method, "/nothing/log")[0] == 404
    assert rows() == []


@pytest.mark.parametrize(
    "kind",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonx"],
)
def test_anything_but_json_is_415(server: Running, kind: str) -> None:
    status, _, body = server.post(session(), {"Content-Type": kind})
    assert status == 415 and "error" in json.loads(body)
    assert server.post(session(), [])[0] == 415  # no Content-Type at all
    assert rows() == []
    ok = server.post(session(), {"Content-Type": "application/json; charset=utf-8"})
    assert ok[0] == 201


def test_a_body_over_4_kb_is_413_and_4_kb_is_read(server: Running) -> None:
    whole = json.dumps(session()).encode()
    padded = whole[:-1] + b" " * (writes.MOST_BODY_BYTES - len(whole)) + b"}"
    assert len(padded) == writes.MOST_BODY_BYTES
    status, _, body = server.post(padded[:-1] + b" }")
    assert status == 413 and "4096" in json.loads(body)["error"]
    assert rows() == []
    assert server.post(padded)[0] == 201


def test_a_declared_length_far_over_is_413_before_any_of_it_is_read(server: Running) -> None:
    headers = [*JSON.items(), ("Content-Length", "999999999999")]
    assert server.post(b"{", headers)[0] == 413
    chunked = [*JSON.items(), ("Transfer-Encoding", "chunked")]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        head = f"POST /{TOKEN}/log HTTP/1.1\r\nHost: x\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in chunked
        )
        raw.sendall(head.encode() + b"\r\n5\r\n{}   \r\n0\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 411 ")
    assert rows() == []


def bad_bodies() -> dict[str, object]:
    """Made when a test runs, not when it is collected: "tomorrow" is a later day after midnight."""
    today = dt.date.today()
    return {
        "unknown routine": session(routine="disc-bulge"),
        "unknown exercise": session(effects={"sciatic-nerve-glide": "better"}),
        "an exercise of another routine": session(routine="pelvic-tilts"),
        "unknown effect": session(effects={"clam-shell": "great"}),
        "pain 11": session(pain_before=11),
        "pain -1": session(pain_after=-1),
        "pain 5.5": session(pain_after=5.5),
        "pain true": session(pain_before=True),
        "pain as text": session(pain_before="5"),
        "a huge pain": session(pain_before=int("9" * 3000)),
        "the day after tomorrow": session(date=(today + dt.timedelta(days=2)).isoformat()),
        "a date in other digits": session(date="\u0662\u0660\u0662\u0666-11-20"),
        "more than a year ago": session(date=(today - dt.timedelta(days=400)).isoformat()),
        "not a date": session(date="2026-02-30"),
        "a date with a time": session(date=f"{today.isoformat()}T10:00"),
        "a number for a date": session(date=20261120),
        "extra key": session(source="play"),
        "missing key": {k: v for k, v in session().items() if k != "pain_after"},
        "a short id": session(id="abc"),
        "an id that is not text": session(id=12345678901),
        "effects not an object": session(effects=["clam-shell"]),
        "escape codes in the routine": session(routine="\x1b[31mmy-routine\x1b[0m"),
        "escape codes in an effect": session(effects={"clam-shell": "better\x1b[2J"}),
        "escape codes in the id": session(id="abcdefgh\x1b]0;owned\x07"),
        "html in an exercise": session(effects={"<img src=x onerror=alert(1)>": "worse"}),
        "html in the date": session(date="<script>alert(1)</script>"),
    }


def raw_bad_bodies() -> dict[str, bytes]:
    return {
        "not JSON": b"routine=my-routine",
        "an array": b"[1, 2]",
        "not UTF-8": b'{"id": "\xff\xfe"}',
        "NaN": json.dumps(session(pain_before=float("nan"))).encode(),
        "deep nesting": b"[" * 2000 + b"]" * 2000,
        "duplicate key": json.dumps(session())[:-1].encode() + b', "pain_before": 2}',
        "duplicate exercise": json.dumps(session(effects={"clam-shell": "better"}))
        .replace('"clam-shell": "better"', '"clam-shell": "better", "clam-shell": "worse"')
        .encode(),
    }


@pytest.mark.parametrize("name", [*bad_bodies(), *raw_bad_bodies()])
def test_a_body_that_is_not_a_session_of_a_routine_is_400_in_one_json_line(
    server: Running, name: str
) -> None:
    body = {**bad_bodies(), **raw_bad_bodies()}[name]
    status, headers, answer = server.post(body)
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert answer.count(b"\n") == 1 and answer.endswith(b"\n")
    error = json.loads(answer)["error"]
    assert isinstance(error, str) and 0 < len(error) <= 200
    assert "<" not in error and "\x1b" not in error and "owned" not in error
    assert rows() == []
    assert server.said == ["POST /log 400"]  # neither the body nor the reason on the terminal


@pytest.mark.parametrize(
    "origins",
    [["http://evil.example"], ["null"], ["http://127.0.0.1"], ["{own}", "http://evil.example"]],
)
def test_a_post_from_another_origin_is_403_and_writes_nothing(
    server: Running, origins: list[str]
) -> None:
    headers = [*JSON.items()] + [("Origin", o.format(own=server.origin)) for o in origins]
    status, _, body = server.post(session(), headers)
    assert status == 403 and "error" in json.loads(body)
    assert rows() == []
    assert server.post(session(), [*JSON.items(), ("Origin", server.origin)])[0] == 201


def test_a_flood_of_200_writes_gets_30_a_minute_and_leaves_the_log_consistent(
    server: Running,
) -> None:
    """Eight clients send 25 sessions each at once (some sent twice): exactly 30 are taken,
    each whole (its exercises and its id), the rest are 429 with a Retry-After; a minute later
    the next one is taken."""
    answers: list[int] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for i in range(25):
            ident = f"flood-{number:02d}-{i % 20:04d}"  # 5 of 25 sent again
            status, headers, _ = server.post(session(id=ident))
            if status == 429:
                assert int(headers["Retry-After"]) >= 1
            with lock:
                answers.append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 200 and set(answers) <= {200, 201, 429}
    assert answers.count(201) + answers.count(200) == writes.MOST_WRITES
    entries = log.sessions()
    assert len(entries) == answers.count(201)
    assert all(set(e.completed) == set(EXERCISES) and e.source == "phone" for e in entries)
    with contextlib.closing(sqlite3.connect(log.log_path())) as db:
        sent = db.execute("SELECT count(*), count(DISTINCT session_id) FROM phone_sends").fetchone()
        assert sent == (len(entries), len(entries))
    assert server.post(session(id="after-a-minute"))[0] == 429
    server.clock.now += writes.WRITES_WINDOW_S
    assert server.post(session(id="after-a-minute"))[0] == 201
    assert server.said.count("POST /log 429") == answers.count(429) + 1


def test_a_busy_log_is_503_in_one_terminal_line_and_the_retry_is_logged_once(
    server: Running,
) -> None:
    assert server.post(session(id="before-the-lock"))[0] == 201
    server.said.clear()
    kept = rows()
    other = sqlite3.connect(log.log_path(), isolation_level=None)  # another voice-coach writing
    try:
        other.execute("BEGIN EXCLUSIVE")
        status, _, body = server.post(session())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 503 and "keeps your answers" in json.loads(body)["error"]
    (line,) = server.said
    assert line.startswith("POST /log 503 (not logged: ") and "busy" in line
    assert rows() == kept
    assert server.post(session())[0] == 201
    assert server.post(session())[0] == 200
    assert len(log.sessions()) == 2


def test_a_broken_log_is_503_kept_aside_whole_and_the_retry_starts_a_new_log(
    server: Running,
) -> None:
    path = log.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    status, _, _ = server.post(session())
    assert status == 503
    (line,) = server.said
    assert line.startswith("POST /log 503 (not logged: ") and "moved aside" in line
    (aside,) = path.parent.glob("log.sqlite3.broken-*")
    assert aside.read_bytes() == b"not a database at all" * 100
    assert server.post(session())[0] == 201
    assert len(log.sessions()) == 1


def test_a_body_that_trickles_past_its_deadline_is_dropped() -> None:
    """One byte every few seconds would hold a thread for hours: the body has a deadline."""
    times = iter([0.0, 11.0])  # a byte arrived in time, the next one would not
    left, right = socket.socketpair()
    with left, right, left.makefile("rb") as reader:
        right.sendall(b"{")
        with pytest.raises(TimeoutError):
            writes.read_body(reader, left, 10, 10.0, lambda: next(times))


def test_a_send_refused_before_its_body_spends_none_of_the_minutes_budget(
    server: Running,
) -> None:
    """Someone holding the address who sends what is refused anyway (no JSON type, no length)
    cannot use up the 30 sends a minute that the phone's real sessions need."""
    text = [("Content-Type", "text/plain"), ("Content-Length", "2")]
    for _ in range(writes.MOST_WRITES * 2):
        assert server.post(b"{}", headers=text)[0] == 415
    assert server.post(session(id="the-phone-s-own"))[0] == 201


def test_an_origin_is_compared_as_a_browser_writes_it() -> None:
    """`--host LOCALHOST` or a long IPv6 form is the same origin as the page's lower-case,
    short one; anything else stays refused."""
    assert writes.origin_allowed(["http://localhost:8765"], "http://LOCALHOST:8765", None, False)
    assert writes.origin_allowed(["http://johns-pc.local:80"], "http://Johns-PC.local", None, False)
    assert writes.origin_allowed(
        ["http://[::1]:8765"], "http://[0:0:0:0:0:0:0:1]:8765", None, False
    )
    for other in (
        "http://localhost:8766",
        "https://localhost:8765",
        "http://localhost:8765/",
        "http://user@localhost:8765",
        "null",
        "http://localhost:99999",
    ):
        assert not writes.origin_allowed([other], "http://localhost:8765", None, False), other


def test_the_own_origin_is_the_address_served_or_on_every_address_the_hosts() -> None:
    assert writes.origin_of("192.168.1.20", 8765) == "http://192.168.1.20:8765"
    assert writes.origin_of("fe80::1", 80) == "http://[fe80::1]"
    own = "http://192.168.1.20:8765"
    assert writes.origin_allowed([], own, None, False)  # not a browser's page (curl)
    assert writes.origin_allowed([own], own, "192.168.1.20:8765", False)
    assert not writes.origin_allowed(["http://evil.example"], own, "evil.example", False)
    assert not writes.origin_allowed([own, own], own, None, False)
    any_address = "http://0.0.0.0:8765"  # served on every address: the one the phone used
    assert writes.origin_allowed([own], any_address, "192.168.1.20:8765", True)
    assert not writes.origin_allowed([own], any_address, "192.168.1.21:8765", True)
