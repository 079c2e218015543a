#!/usr/bin/env python3
"""`voice-coach share` measured: how soon the address is printed, how soon the feed is ready
(every MP3 rendered), how soon a second run serves it, and a first M4B. On 127.0.0.1 only.

Goals (issue 14): a second `share` serves at once (its files are kept); the first renders on
request, with progress in the terminal.

Run: .venv/bin/python scripts/share_bench.py (uses the cue cache as `export` does, so run it warm,
as scripts/bench.py does after its exports)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

SCRIPT = str(Path(sys.executable).with_name("voice-coach"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=900) as response:
        size = len(response.read())
    return time.perf_counter() - started, size


def run_share(
    env: dict[str, str], command: Sequence[str] = (SCRIPT, "share")
) -> tuple[subprocess.Popen[str], str, float]:
    """`share` (of every playlist, unless `command` names targets) on 127.0.0.1; the address
    and the seconds until it was printed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(free_port())],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Sharing"):
        raise SystemExit(f"share did not start: {line}")
    return process, line.split(" at ", 1)[1].split()[0], time.perf_counter() - started


def rows() -> list[tuple[str, str, str]]:
    out = []
    with tempfile.TemporaryDirectory(prefix="voice-coach-share-") as home:
        env = {**os.environ, "VOICE_COACH_HOME": home}
        process, url, start = run_share(env)
        try:
            out.append(("share (every playlist), launch -> address printed", f"{start:.2f}", "-"))
            page, size = fetch(url)
            out.append(
                (
                    f"launch -> the page ({size / 1000:.0f} kB; all planned)",
                    f"{start + page:.2f}",
                    "-",
                )
            )
            feed, _ = fetch(url + "feed.xml")
            out.append(("first feed (every MP3 rendered, cold)", f"{start + feed:.1f}", "-"))
            m4b, size = fetch(url + "not-sure.m4b")
            out.append((f"first M4B, not-sure ({size / 1e6:.1f} MB)", f"{m4b:.1f}", "-"))
        finally:
            process.terminate()
            process.wait(30)
        process, url, start = run_share(env)
        try:
            page, _ = fetch(url)
            feed, _ = fetch(url + "feed.xml")
            out.append(("second share: launch -> address printed", f"{start:.2f}", "-"))
            out.append(("second share: launch -> the page", f"{start + page:.2f}", "-"))
            out.append(("second share: the feed", f"{feed:.3f}", "at once"))
            mp3, size = fetch(url + "not-sure.mp3")
            out.append((f"second share: not-sure.mp3 ({size / 1e6:.1f} MB)", f"{mp3:.3f}", "-"))
        finally:
            process.terminate()
            process.wait(30)
    return out


def table() -> str:
    measured = rows()
    width = max(len(r[0]) for r in measured)
    lines = [f"| {'share'.ljust(width)} | seconds | goal |", f"| {'-' * width} | ---: | --- |"]
    lines += [f"| {what.ljust(width)} | {secs} | {goal} |" for what, secs, goal in measured]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
