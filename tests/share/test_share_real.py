"""`voice-coach share` for real, on 127.0.0.1: the real engine, ffmpeg, the feed read by
feedparser, the files decoded, the page opened in Debian's Chromium at a phone's size."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from PIL import Image
from support.media import chapters_match, decoded, probed
from support.phone import phone_page

from voice_coach.content.loader import load_library
from voice_coach.plan.spoken import fill_sides

pytestmark = pytest.mark.engine

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))
TARGETS = ["irritated-sciatic-nerve", "pelvic-tilts"]
DOSE = ["--reps", "1", "--hold", "2"]
PODCAST = "{https://podcastindex.org/namespace/1.0}"


@dataclass
class Shared:
    url: str
    plans: dict[str, dict[str, Any]]
    process: subprocess.Popen[str]
    home: Path
    command: list[str]
    env: dict[str, str]

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`share` running on a free port, and the address it printed."""
    process = subprocess.Popen(
        [*command, "--port", str(free_port())],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Sharing 2 routines at http://127.0.0.1:"), first
    return process, first.split(" at ", 1)[1].split()[0]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    work = tmp_path_factory.mktemp("share")
    env = {**os.environ, "VOICE_COACH_HOME": str(work / "home")}
    options = [*DOSE, "--cache-dir", str(work / "cache")]
    plans = {}
    for target in TARGETS:
        done = subprocess.run(
            [SCRIPT, "plan", target, *options, "--json"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        plans[target] = json.loads(done.stdout)
    command = [SCRIPT, "share", *TARGETS, *options, "--host", "127.0.0.1"]
    process, url = start(command, env)
    try:
        yield Shared(url, plans, process, work / "home", command, env)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_feed_lists_each_routine_with_its_audio_length_and_chapters(shared: Shared) -> None:
    status, headers, body = shared.get("feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20" and len(feed.entries) == 2
    assert "not medical advice" in feed.feed.description
    cover = feed.feed.image.href
    status, headers, picture = shared.get(cover[len(shared.url) :])
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")
    with Image.open(io.BytesIO(picture)) as image:  # what Apple's apps ask of podcast artwork
        assert image.size == (1400, 1400) and image.mode == "RGB"
    items = ET.fromstring(body).findall("channel/item")
    for entry, item, target in zip(feed.entries, items, TARGETS, strict=True):
        plan = shared.plans[target]
        enclosure = entry.enclosures[0]
        assert enclosure.type == "audio/mpeg" and enclosure.href.startswith(shared.url)
        status, _, audio = shared.get(enclosure.href[len(shared.url) :])
        assert status == 200 and int(enclosure.length) == len(audio)
        mp3 = shared.home / f"{target}.mp3"
        mp3.write_bytes(audio)
        assert len(decoded(mp3)) == plan["duration_samples"]  # the plan, sample for sample
        assert int(entry.itunes_duration) == round(plan["duration_s"])
        assert "not medical advice" in entry.description
        chapters_url = item.find(f"{PODCAST}chapters")
        assert chapters_url is not None
        assert chapters_url.get("type") == "application/json+chapters"
        _, _, chapters_json = shared.get(chapters_url.get("url", "")[len(shared.url) :])
        chapters = json.loads(chapters_json)["chapters"]
        assert [c["title"] for c in chapters] == [c["title"] for c in plan["chapters"]]
        for got, want in zip(chapters, plan["chapters"], strict=True):
            assert abs(got["startTime"] - want["start_s"]) < 0.001
    steps = load_library().exercises["sciatic-nerve-glide"].steps
    assert steps[0] in feed.entries[0].description


def test_audio_answers_range_requests_byte_for_byte(shared: Shared) -> None:
    _, headers, whole = shared.get("pelvic-tilts.mp3")
    assert headers["Accept-Ranges"] == "bytes"
    status, headers, part = shared.get("pelvic-tilts.mp3", {"Range": "bytes=1000-4999"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 1000-4999/{len(whole)}"
    assert part == whole[1000:5000]
    status, headers, tail = shared.get("pelvic-tilts.mp3", {"Range": "bytes=-100"})
    assert (status, tail) == (206, whole[-100:])


def test_the_m4b_has_the_plans_chapters_and_length(shared: Shared) -> None:
    status, headers, data = shared.get("irritated-sciatic-nerve.m4b")
    assert status == 200 and headers["Content-Type"] == "audio/mp4"
    path = shared.home / "routine.m4b"
    path.write_bytes(data)
    probe = probed(path)
    plan = shared.plans["irritated-sciatic-nerve"]
    assert int(probe["streams"][0]["duration_ts"]) == plan["duration_samples"]
    chapters_match(probe["chapters"], plan, within=0.05)


@pytest.mark.parametrize(
    ("method", "path", "headers", "expected"),
    [
        ("GET", "/", {}, 404),
        ("GET", "/feed.xml", {}, 404),
        ("GET", "/AAAAAAAAAAAAAAAAAAAAAA/feed.xml", {}, 404),
        ("GET", "{token}/../feed.xml", {}, 404),
        ("GET", "{token}/%2e%2e/%2e%2e/etc/passwd", {}, 404),
        ("GET", "{token}//etc/passwd", {}, 404),
        ("GET", "{token}/..%2f..%2fshare.json", {}, 404),
        ("POST", "{token}/", {}, 405),
        ("GET", "{token}/", {"X-Huge": "a" * 70_000}, 400),
    ],
)
def test_requests_without_the_secret_or_outside_the_table_get_nothing(
    shared: Shared, method: str, path: str, headers: dict[str, str], expected: int
) -> None:
    token_path = "/" + shared.url.rstrip("/").rsplit("/", 1)[1]
    host = shared.url.split("/")[2]
    with socket.create_connection(tuple(host.rsplit(":", 1)), timeout=10) as raw:  # type: ignore[arg-type]
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = f"{method} {path.format(token=token_path)} HTTP/1.1\r\nHost: {host}\r\n{extra}"
        raw.sendall((request + "Content-Length: 0\r\nConnection: close\r\n\r\n").encode())
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(f"HTTP/1.1 {expected}".encode()), answer[:100]
    assert b"not medical advice" not in answer and b"<rss" not in answer
    assert shared.get("")[0] == 200  # still serving
    assert shared.process.poll() is None


def test_the_page_plays_and_a_tapped_chapter_moves_the_audio_there(
    shared: Shared, tmp_path: Path
) -> None:
    plan = shared.plans["irritated-sciatic-nerve"]
    third = plan["chapters"][2]
    exercise = load_library().exercises[third["exercise"]]
    with phone_page() as page:
        page.goto(shared.url)
        routines = page.locator("section.routine")
        assert routines.count() == 2
        assert routines.nth(0).locator("h2").inner_text() == "Irritated sciatic nerve"
        assert routines.nth(1).locator("h2").inner_text() == "Pelvic Tilts"
        card = routines.nth(0)
        audio = card.locator("audio")
        card.locator("button.play").tap()
        page.wait_for_function(
            "a => !a.paused && a.currentTime > 0.5", arg=audio.element_handle(), timeout=20_000
        )
        card.locator("button.chapter").nth(2).tap()
        page.wait_for_timeout(300)
        now = audio.evaluate("a => a.currentTime")
        assert abs(now - third["start_s"]) < 0.5, (now, third["start_s"])
        assert card.locator(".now-title").inner_text() == third["title"]
        shown = card.locator(".now-steps li").all_inner_texts()
        assert shown == [fill_sides(s, None) for s in (*exercise.setup, *exercise.steps)]
        assert not any("{" in step for step in shown)
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def test_a_second_share_serves_what_the_first_rendered_at_once(shared: Shared) -> None:
    first_feed = shared.get("feed.xml")[2]  # every MP3 rendered by now
    process, url = start(shared.command, shared.env)
    try:
        again = Shared(url, shared.plans, process, shared.home, shared.command, shared.env)
        status, _, feed = again.get("feed.xml")
        assert status == 200
        assert url != shared.url  # a new secret each run
        assert feed.replace(url.encode(), b"") == first_feed.replace(shared.url.encode(), b"")
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "rendering" not in err and "GET /feed.xml 200" in err
