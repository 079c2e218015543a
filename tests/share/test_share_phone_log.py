"""The phone's page writes the log, for real: `share` in a process of its own (the fake engine,
real ffmpeg renders), Debian's Chromium through Playwright at a phone's size. The questions are
answered around a short routine and saved; the session is in `log list --json` from the phone.
Then the computer stops sharing: a session saved meanwhile waits on the phone, and is sent once
when the page is opened again with the computer sharing."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from support.phone import fake_share, phone_page
from support.running import Result

pytestmark = pytest.mark.ffmpeg

Run = Callable[..., Result]


@contextmanager
def sharing(port: int, said: list[str]) -> Iterator[str]:
    """`share pelvic-tilts` on 127.0.0.1:port with the kept address (the page's origin and its
    storage stay the same from one run to the next); its address. What it said on stderr is
    put in `said` when it has stopped."""
    command = ["share", "pelvic-tilts", "--reps", "1", "--hold", "2", "--host", "127.0.0.1"]
    process = fake_share([*command, "--port", str(port), "--keep-address"])
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        assert first.startswith("Sharing 1 routine at http://127.0.0.1:"), first
        yield first.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()
        said.extend(process.communicate(timeout=60)[1].splitlines())


def sessions(run_cli: Run) -> list[dict[str, Any]]:
    listed = run_cli("log", "list", "--json")
    assert listed.code == 0, listed.err
    found: list[dict[str, Any]] = json.loads(listed.out)["sessions"]
    return found


def test_the_page_logs_a_session_and_sends_one_saved_offline_once_back_home(
    run_cli: Run, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    first: list[str] = []
    second: list[str] = []
    with phone_page() as page:
        with sharing(port, first) as url:
            page.goto(url)
            card = page.locator("section.routine")
            card.locator(".before button[data-pain='6']").tap()
            card.locator("button.play").tap()
            audio = card.locator("audio")
            page.wait_for_function(
                "a => !a.paused && a.duration > 1", arg=audio.element_handle(), timeout=60_000
            )
            card.locator("button.chapter").nth(1).tap()  # the exercise, played
            audio.evaluate("a => { a.currentTime = a.duration - 0.3; }")
            form = card.locator(".after")
            form.wait_for(state="visible", timeout=20_000)  # the audio ended: the questions
            form.locator(".scale button[data-pain='3']").tap()
            effect = form.locator(".effect[data-exercise='pelvic-tilts']")
            effect.locator("button[data-effect='better']").tap()
            form.locator("button.save").tap()
            page.locator("#mylog ul.saved li").wait_for(timeout=20_000)
            assert card.locator(".status").inner_text() == "Saved to your log."
            page.screenshot(path=str(tmp_path / "saved.png"), full_page=True)
        (logged,) = sessions(run_cli)
        assert {k: logged[k] for k in ("target", "source", "pain_before", "pain_after")} == {
            "target": "pelvic-tilts",
            "source": "phone",
            "pain_before": 6,
            "pain_after": 3,
        }
        assert logged["effects"] == {"pelvic-tilts": "better"}

        # The computer has stopped sharing: the next session waits on the phone.
        card.locator("button.done").tap()
        form.locator(".scale button[data-pain='2']").tap()
        form.locator("button.save").tap()
        page.locator("#mylog ul.waiting li").wait_for(timeout=20_000)
        assert "Kept on this phone" in card.locator(".status").inner_text()
        assert len(sessions(run_cli)) == 1

        with sharing(port, second):
            page.reload()
            page.locator("#mylog ul.saved li").wait_for(timeout=20_000)
            assert page.locator("#mylog ul.waiting li").count() == 0
            page.reload()  # nothing waits any more: nothing is sent again
            page.get_by_text("Nothing waits to be sent.").wait_for(timeout=20_000)
    both = sessions(run_cli)
    assert [(s["source"], s["pain_before"], s["pain_after"]) for s in both] == [
        ("phone", 6, 3),
        ("phone", None, 2),
    ]
    assert [line for line in second if line.startswith("POST")] == ["POST /log 201"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert not any(token in line for line in first + second)
