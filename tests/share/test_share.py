"""`share` without rendering: the page and feed with hostile content, the secret address and its
state file, and a port that is taken. Fast (fakes); tests/test_share_real.py does it for real."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import feedparser
import pytest
from support.fakes import FakeWorld
from support.media import decoded
from support.phone import fake_share
from support.running import Result

from voice_coach.audio.export import Tags
from voice_coach.files import replacing
from voice_coach.journal import settings
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import prepare
from voice_coach.share import app, routines
from voice_coach.share.feed import chapters_json, feed_xml
from voice_coach.share.page import page_html
from voice_coach.share.routines import Part, Routine, Store, routine_of

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
HOSTILE = '</script><script>alert(1)</script> & <b>"bold"</b> \x1b[31m'


def routine(title: str = "Disc bulge", step: str = "Lie down on your back.") -> Routine:
    parts = (
        Part("Before you start", 0, 22050 * 15, ("Not medical advice.",)),
        Part("Pelvic Tilts", 22050 * 15, 22050 * 75, (step,), "pelvic-tilts"),
    )
    return Routine(
        id="disc-bulge",
        title=title,
        purpose="For a bulged disc.",
        equipment=("a mat",),
        helper=False,
        rate=22050,
        length=22050 * 75,
        parts=parts,
        key="0123456789abcdef0123456789abcdef",
        session=None,  # type: ignore[arg-type]  # only rendering needs it
        tags=Tags(title, "Sciatica relief", "Not medical advice."),
    )


def test_the_page_carries_content_only_as_inert_json() -> None:
    page = page_html(
        [routine(HOSTILE, HOSTILE)], "http://h:1/t/", "Sciatica relief", "Careful.", log_form=True
    )
    text = page.decode()
    assert text.count("<script") == 2  # the data and the page's own script, nothing else
    assert "</script><script>alert" not in text and "<b>" not in text
    data = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
    assert data is not None
    loaded = json.loads(data.group(1))
    assert loaded[0]["title"] == HOSTILE  # the words themselves survive, as text
    assert loaded[0]["parts"][1] == {"title": "Pelvic Tilts", "start": 15.0, "end": 75.0} | {
        "steps": [HOSTILE],
        "exercise": "pelvic-tilts",
    }
    assert 'rel="alternate" type="application/rss+xml"' in text
    assert 'href="http://h:1/t/feed.xml"' in text


def test_the_feed_is_valid_rss_whatever_the_content(tmp_path: Path) -> None:
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"x" * 1234)
    body = feed_xml(
        [routine(HOSTILE, HOSTILE)], [mp3], "http://h:1/t/", "Sciatica", "Careful.", log_form=True
    )
    ET.fromstring(body)  # well-formed
    feed = feedparser.parse(body)
    assert not feed.bozo and len(feed.entries) == 1
    entry = feed.entries[0]
    assert "bold" in entry.title  # the words arrive (feedparser itself drops the markup)
    assert entry.enclosures[0].length == "1234"
    assert entry.enclosures[0].href == "http://h:1/t/disc-bulge.mp3"
    assert entry.itunes_duration == "75"
    assert "0:15 Pelvic Tilts" in entry.description and "Careful." in entry.description
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in entry.description  # text, not markup
    assert "<script" not in entry.description and "<b>" not in entry.description
    chapters = json.loads(chapters_json(routine()))
    assert chapters["chapters"][1] == {"startTime": 15.0, "endTime": 75.0, "title": "Pelvic Tilts"}


def test_the_programmes_title_and_disclaimer_reach_the_page_and_feed_escaped(
    tmp_path: Path,
) -> None:
    """Only the exercises' texts were tested: a title or disclaimer put in raw would run as
    markup on the phone, or break the feed for every podcast app."""
    page = page_html([routine()], "http://h:1/t/", HOSTILE, HOSTILE, log_form=True).decode()
    assert page.count("<script") == 2 and "<b>" not in page and "</script><script>" not in page
    assert html.escape(HOSTILE) in page  # the words themselves arrive, as text
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"x")
    channel = ET.fromstring(
        feed_xml([routine()], [mp3], "http://h:1/t/", HOSTILE, HOSTILE, log_form=True)
    )
    inert = HOSTILE.replace("\x1b", "")  # a control character XML cannot carry is dropped
    assert channel.findtext("channel/title") == f"{inert} (voice-coach)"
    assert channel.findtext("channel/description") == inert
    assert channel.findtext("channel/image/title") == f"{inert} (voice-coach)"
    assert inert in (channel.findtext("channel/item/itunes:summary", namespaces=NS) or "")


def test_what_no_routine_serves_is_pruned_and_nothing_else(tmp_path: Path) -> None:
    """Renders of other variants (other options, an older my-plan) and the parts of killed
    renders were kept for ever."""
    folder = tmp_path / "shared"
    folder.mkdir()
    served = routine()
    store = Store(folder, lambda line: None)
    dead = subprocess.Popen(["true"])  # a process id that is no longer running
    dead.wait()
    keep = [
        store.path(served, "mp3").name,
        store.path(served, "mp3").name + ".sha256",
        store.path(served, "m4b").name,
        f".{store.path(served, 'm4b').name}.{os.getpid()}.0123abcd.part",  # a render under way
        "notes.txt",  # not the store's
    ]
    other = "f" * 32
    remove = [
        f"disc-bulge-{other}.mp3",
        f"disc-bulge-{other}.mp3.sha256",
        f"pelvic-tilts-{served.key}.m4b",
        f".disc-bulge-{other}.mp3.{dead.pid}.0123abcd.part",
        f".disc-bulge-{other}.mp3.sha256.{dead.pid}.89abcdef.part",
    ]
    for name in keep + remove:
        (folder / name).write_bytes(b"x")
    assert sorted(p.name for p in store.prune([served])) == sorted(remove)
    assert sorted(p.name for p in folder.iterdir()) == sorted(keep)


def test_stopping_share_stops_a_render_and_removes_its_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render's own loop is asked, each block, whether to go on; its partial file goes."""
    started, blocks = threading.Event(), []

    def export(
        timeline: object, cue: object, path: Path, tags: Tags, going_on: Any, mixing: object
    ) -> None:
        with replacing(path) as temp:
            temp.write_bytes(b"the first second")
            started.set()
            while True:  # an endless render: only stopping ends it
                going_on(22050)
                blocks.append(1)
                store.stopping.wait(10)

    monkeypatch.setattr(routines, "export_file", export)
    store = Store(tmp_path / "shared", lambda line: None)
    faked = replace(
        routine(),
        session=SimpleNamespace(timeline=None, cues=SimpleNamespace(pcm=None), music=None),
    )
    failed: list[BaseException] = []

    def render() -> None:
        try:
            store.file(faked, "mp3")
        except Exception as exc:
            failed.append(exc)

    rendering = threading.Thread(target=render)
    rendering.start()
    assert started.wait(10)
    assert store.stop(10)  # it waited for the render to give up
    rendering.join(10)
    assert [type(e) for e in failed] == [routines.Stopped] and blocks
    assert list((tmp_path / "shared").iterdir()) == []  # no .part, no file
    with pytest.raises(routines.Stopped):
        store.file(faked, "m4b")  # and nothing starts any more


def test_each_run_has_a_new_128_bit_secret_unless_the_address_is_kept() -> None:
    first = app.address("127.0.0.1", 9000, keep=False)
    second = app.address("127.0.0.1", 9000, keep=False)
    assert first.token != second.token
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", first.token)  # 16 random bytes
    app.remember(second)
    kept = app.address("127.0.0.1", None, keep=True)
    assert (kept.token, kept.port) == (second.token, 9000)
    assert kept.url == f"http://127.0.0.1:9000/{second.token}/"


GOOD_TOKEN = "A" * 11 + "b" * 11


@pytest.mark.parametrize(
    ("saved", "key"),
    [
        (f'{{"token": "{GOOD_TOKEN}", "port": 99999}}', "'port'"),
        (f'{{"token": "{GOOD_TOKEN}", "port": -1}}', "'port'"),
        (f'{{"token": "{GOOD_TOKEN}", "port": true}}', "'port'"),
        (f'{{"token": "{GOOD_TOKEN}", "port": "8765"}}', "'port'"),
        (f'{{"token": "{GOOD_TOKEN}", "port": 8765.5}}', "'port'"),
        (f'{{"token": "{GOOD_TOKEN}"}}', "'port'"),
        ('{"token": "../../etc", "port": 8765}', "'token'"),
        ('{"token": 12, "port": 8765}', "'token'"),
        (f'{{"token": "{GOOD_TOKEN}", "port": 8765, "host": "x"}}', "'host'"),
        ("not json", "not JSON"),
        ('["a"]', "not a JSON object"),
        ("\xff\xfe", "not text"),
    ],
)
def test_a_share_json_with_a_bad_field_is_one_line_naming_the_file_and_key(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, saved: str, key: str
) -> None:
    """A port of 99999 or -1 was bound as it was (an error from deep down), and `true` bound
    port 1 and was printed as ':True'."""

    def no_server(*args: object) -> None:
        raise KeyboardInterrupt  # a file taken as it is would go on to serve: not here

    monkeypatch.setattr(app, "open_server", no_server)
    app._state().parent.mkdir(parents=True, exist_ok=True)
    app._state().write_bytes(saved.encode("latin-1"))
    done = run_cli("share", "pelvic-tilts", "--host", "127.0.0.1", "--keep-address")
    assert done.code == 1 and "Sharing" not in done.out
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.err
    assert str(app._state()) in lines[0] and key in lines[0] and "--keep-address" in lines[0]


def keep_address(run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> str:
    """`share --keep-address` as far as reading share.json: its one line of error."""

    def no_server(*args: object) -> None:
        raise KeyboardInterrupt  # a file taken as it is would go on to serve: not here

    def hung(*args: object) -> None:
        raise AssertionError("share.json was read as it is: it hung")

    monkeypatch.setattr(app, "open_server", no_server)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        done = run_cli("share", "pelvic-tilts", "--host", "127.0.0.1", "--keep-address")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert done.code == 1 and "Sharing" not in done.out and "Traceback" not in done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and str(app._state()) in lines[0] and "--keep-address" in lines[0]
    return lines[0]


@pytest.mark.parametrize("key", ["token", "port"])
def test_a_share_json_missing_a_key_says_the_key_is_missing(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """It said "must be 22 letters ..., not null" of a token that was not there at all."""
    saved = {"token": GOOD_TOKEN, "port": 8765}
    del saved[key]
    app._state().parent.mkdir(parents=True, exist_ok=True)
    app._state().write_text(json.dumps(saved))
    line = keep_address(run_cli, monkeypatch)
    assert f"key '{key}' is missing" in line and "null" not in line


def _link_to_a_fifo(path: str) -> None:
    os.mkfifo(path + ".fifo")
    Path(path).symlink_to(path + ".fifo")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (os.mkfifo, "a named pipe (FIFO), not a regular file"),
        (os.mkdir, "a folder, not a regular file"),
        (lambda path: _link_to_a_fifo(path), "a link, not a regular file"),
        (lambda path: Path(path).write_bytes(b" " * 100_000), "more than the 4096"),
    ],
    ids=["fifo", "folder", "link to a fifo", "huge"],
)
def test_a_share_json_that_is_no_regular_file_is_one_line_never_a_hang(
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[str], object],
    said: str,
) -> None:
    """A FIFO named share.json hung `share --keep-address` forever."""
    app._state().parent.mkdir(parents=True, exist_ok=True)
    make(str(app._state()))
    line = keep_address(run_cli, monkeypatch)
    assert said in line
    assert "move it away" in line  # not "run share without --keep-address": that cannot write it


def test_share_x_x_serves_x_once(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # before any planning: the count is printed first

    monkeypatch.setattr(app, "prepared_with_note", stop)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    done = run_cli("share", "pelvic-tilts", "pelvic-tilts", "--host", "127.0.0.1", "--port", port)
    assert "Sharing 1 routine at" in done.out


def test_a_port_in_use_is_one_line_before_any_work(run_cli: Callable[..., Result]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("share", "pelvic-tilts", "--host", "127.0.0.1", "--port", str(port))
    assert done.code == 1
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and f"port {port} on 127.0.0.1 is already in use" in lines[0]
    assert "--port" in lines[0] and "Traceback" not in done.err


@pytest.mark.parametrize("where", ["the file", "its checksum"])
def test_a_pipe_in_place_of_a_rendered_file_is_never_read(tmp_path: Path, where: str) -> None:
    """A FIFO named as a rendered MP3 (or its .sha256) hung the request that asked for it."""
    made = routine()
    store = Store(tmp_path / "shared", lambda line: None)
    store.folder.mkdir()
    path = store.path(made, "mp3")
    if where == "the file":
        os.mkfifo(path)
        path.with_name(path.name + ".sha256").write_text("0" * 64)
    else:
        path.write_bytes(b"audio")
        os.mkfifo(path.with_name(path.name + ".sha256"))

    def hung(*args: object) -> None:
        raise AssertionError("a pipe was read: it hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        assert store.ready(made, "mp3") is None  # so it is rendered again
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.ffmpeg
def test_a_rendered_file_is_kept_checked_and_rendered_again_when_broken(
    tmp_path: Path, world: Callable[..., FakeWorld]
) -> None:
    fake = world()
    prepared = prepare(["pelvic-tilts"], SessionOptions(reps=1, hold_s=2), fake.env.select_engine)
    made = routine_of(prepared, prepared.session())
    notes: list[str] = []
    store = Store(tmp_path / "shared", notes.append)
    assert store.ready(made, "mp3") is None
    path = store.file(made, "mp3")
    assert len(decoded(path)) == made.length and sum("rendering" in n for n in notes) == 1
    assert store.file(made, "mp3") == path and sum("rendering" in n for n in notes) == 1
    assert Store(tmp_path / "shared", notes.append).ready(made, "mp3") == path  # a second run
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # cut short (a disk that filled, a copy gone wrong)
    assert store.ready(made, "mp3") is None
    assert store.file(made, "mp3").read_bytes() == whole
    assert sum("rendering" in n for n in notes) == 2
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".sha256"]


def test_an_unknown_target_is_one_line_before_any_address(run_cli: Callable[..., Result]) -> None:
    done = run_cli("share", "disc-bulge", "no-such-thing", "--host", "127.0.0.1", "--port", "9")
    assert done.code == 1 and "Sharing" not in done.out
    assert "unknown playlist or exercise 'no-such-thing'" in done.err


def test_a_broken_settings_file_is_one_line_before_any_address(
    run_cli: Callable[..., Result],
) -> None:
    path = settings.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("side: [oops\n")
    done = run_cli("share", "pelvic-tilts", "--host", "127.0.0.1", "--port", "9")
    assert done.code == 1 and "Sharing" not in done.out
    assert len(done.err.strip().splitlines()) == 1 and str(path) in done.err


@pytest.mark.ffmpeg
def test_sigterm_during_a_render_leaves_no_part_file(tmp_path: Path) -> None:
    """A real `share` process, killed politely in the middle of rendering: the render thread
    was killed with the process, its partial file left in the data folder for ever."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    command = ["--endless-render", "share", "pelvic-tilts", "--reps", "1", "--hold", "2"]
    process = fake_share([*command, "--host", "127.0.0.1", "--port", port], subprocess.DEVNULL)
    assert process.stderr is not None
    said = []
    try:
        for line in process.stderr:  # until its partial file exists (ends if share fails)
            said.append(line)
            if line.startswith("fake render: midway"):
                break
        assert said and said[-1].startswith("fake render: midway"), said
        shared = routines.shared_folder()
        assert [p for p in shared.iterdir() if p.name.endswith(".part")]  # midway indeed
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=60)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in rest
    assert [p.name for p in shared.iterdir() if p.name.endswith(".part")] == []
    assert list(shared.iterdir()) == []  # and no file that was not whole


@pytest.mark.parametrize("form", [True, False])
def test_the_form_is_on_the_page_and_in_the_feed_unless_read_only(
    tmp_path: Path, form: bool
) -> None:
    """`share --read-only` serves no log address: the page asks nothing, the feed links to
    nothing, and POST /<secret>/log names nothing (404)."""
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"x")
    base = "http://h:1/t/"
    page = page_html([routine()], base, "Sciatica", "Careful.", log_form=form).decode()
    assert f'data-log="{"yes" if form else "no"}"' in page
    body = feed_xml([routine()], [mp3], base, "Sciatica", "Careful.", log_form=form)
    entry = feedparser.parse(body).entries[0]
    link = f"{base}#log-disc-bulge"
    assert (f'<a href="{link}">' in entry.description) is form
    summary = ET.fromstring(body).findtext("channel/item/itunes:summary", namespaces=NS) or ""
    assert (link in summary) is form
    inbox = app.Inbox({"disc-bulge": ("pelvic-tilts",)}) if form else None
    served = app.table([routine()], Store(tmp_path, print), base, "S", "C", inbox=inbox)
    found = served("log")
    assert (found is not None and found.post is not None) is form
    assert served("").allowed == "GET, HEAD"  # type: ignore[union-attr]


def test_a_routine_logs_its_exercises_each_once_in_order() -> None:
    parts = (
        Part("Before you start", 0, 10, ("x",)),
        Part("Clam Shell", 10, 20, (), "clam-shell"),
        Part("Pelvic Tilts", 20, 30, (), "pelvic-tilts"),
        Part("Clam Shell", 30, 40, (), "clam-shell"),
    )
    assert replace(routine(), parts=parts).exercises == ("clam-shell", "pelvic-tilts")


@pytest.mark.parametrize("read_only", [False, True])
def test_share_serves_the_log_address_unless_read_only(
    run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, read_only: bool
) -> None:
    tables: list[Any] = []
    real = app.table

    def served(*args: Any, **kwargs: Any) -> None:
        tables.append(real(*args, **kwargs))
        raise KeyboardInterrupt  # the table is all this test wants: no serving

    monkeypatch.setattr(app, "table", served)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    options = ["--reps", "1", "--hold", "2", "--host", "127.0.0.1", "--port", port]
    done = run_cli("share", "pelvic-tilts", *options, *(["--read-only"] if read_only else []))
    assert done.code == 0 and "Stopped sharing." in done.out, done.err
    (table,) = tables
    assert (table("log") is None) is read_only
    page = table("").body().decode()
    assert f'data-log="{"no" if read_only else "yes"}"' in page


def test_a_host_name_that_cannot_be_encoded_is_one_line(run_cli: Callable[..., Result]) -> None:
    # IDNA cannot encode an empty label: Python raised a TypeError (an internal error, exit 70)
    done = run_cli("share", "pelvic-tilts", "--host", "é..x", "--port", "18765")
    assert done.code == 1 and "Sharing" not in done.out
    assert "--host: 'é..x' is not an address" in done.err
