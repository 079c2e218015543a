#!/usr/bin/env python3
"""`voice-coach share` under a bounded attack, on 127.0.0.1 only: does a phone still get its page?

A real `share` process (the fake engine of the tests, so no speech engine is needed; ffmpeg
renders its MP3) serves one routine. Once its MP3 is rendered, for about 20 s:
- 100 trickling connections each send one byte of a never-ending head every 2 s, and open
  again at once when the server hangs up on them (as slowloris does);
- 10 header floods each send a head of 6 MB (100 lines of 60 KB), again and again;
- a phone fetches the page every second, on a new connection each time.
It prints a table: every fetch answered within 2 s (the slowest), and the server's memory
(RSS) at the start and at the end (goal: within 30 MB). Exit 1 if a goal is missed.

Run: .venv/bin/python scripts/share_load.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from share_bench import run_share

ROOT = Path(__file__).resolve().parent.parent
FAKE_SHARE = ROOT / "tests" / "support" / "fake_share.py"
HOST = "127.0.0.1"
TRICKLERS = 100
TRICKLE_EVERY_S = 2.0
FLOODS = 10
FLOOD_LINES = 100
FLOOD_LINE = 60_000
SLOWEST_GOAL_S = 2.0
MEMORY_GOAL_MB = 30.0


@dataclass
class Counts:
    lock: threading.Lock = field(default_factory=threading.Lock)
    trickle_opened: int = 0
    trickle_hung_up: int = 0
    floods_sent: int = 0
    floods_refused: int = 0
    fetches: list[float | None] = field(default_factory=list)
    """Seconds each page fetch took; None for one that failed or took over 5 s."""

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_share(home: str) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "VOICE_COACH_HOME": str(Path(home) / "home"),
        "VOICE_COACH_CACHE": str(Path(home) / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, str(FAKE_SHARE), "share", "pelvic-tilts", "--reps", "1"]
    process, url, _ = run_share(env, [*command, "--hold", "2"])
    return process, url


def trickle(port: int, counts: Counts, stop: threading.Event) -> None:
    """The trickling connections, all from one thread: a byte each every TRICKLE_EVERY_S of a
    head that never ends."""
    head = b"GET / HTTP/1.1\r\n" + b"X-Slow: a\r\n" * 10_000
    sockets: list[tuple[socket.socket, int] | None] = [None] * TRICKLERS
    turn = 0
    while not stop.wait(TRICKLE_EVERY_S / TRICKLERS):
        index = turn % TRICKLERS
        turn += 1
        held = sockets[index]
        if held is not None:
            connection, sent = held
            try:
                connection.send(head[sent : sent + 1])
                sockets[index] = (connection, sent + 1)
                continue
            except OSError:
                connection.close()
                counts.add("trickle_hung_up")
        try:
            fresh = socket.create_connection((HOST, port), timeout=2)
            fresh.send(head[:1])
            sockets[index] = (fresh, 1)
            counts.add("trickle_opened")
        except OSError:
            sockets[index] = None
    for held in sockets:
        if held is not None:
            held[0].close()


def flood(port: int, counts: Counts, stop: threading.Event) -> None:
    line = b"X-Flood: " + b"a" * FLOOD_LINE + b"\r\n"
    while not stop.is_set():
        try:
            with socket.create_connection((HOST, port), timeout=5) as raw:
                answer = bytearray()

                def read(raw: socket.socket = raw, answer: bytearray = answer) -> None:
                    with contextlib.suppress(OSError):
                        answer.extend(raw.recv(100))

                reader = threading.Thread(target=read)
                reader.start()
                counts.add("floods_sent")
                try:
                    raw.sendall(b"GET /x HTTP/1.1\r\nHost: x\r\n")
                    for _ in range(FLOOD_LINES):
                        raw.sendall(line)
                    raw.sendall(b"\r\n")
                except OSError:
                    pass  # the server stopped reading: as it should
                reader.join(5)
                if answer.startswith(b"HTTP/1.1 400 "):
                    counts.add("floods_refused")
        except OSError:
            stop.wait(0.05)


def phone(url: str, seconds: int, counts: Counts, stop: threading.Event) -> None:
    for _ in range(seconds):
        if stop.wait(1.0):
            return
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
            took: float | None = time.perf_counter() - started
        except OSError:
            took = None
        with counts.lock:
            counts.fetches.append(took)


def run(seconds: int) -> tuple[list[tuple[str, str, str]], bool]:
    counts = Counts()
    with tempfile.TemporaryDirectory(prefix="voice-coach-load-") as home:
        process, url = start_share(home)
        try:
            with urllib.request.urlopen(url + "feed.xml", timeout=300) as response:
                response.read()  # planned and its MP3 rendered: the server at rest
            port = int(url.split(":")[2].split("/")[0])
            start_mb = peak_mb = rss_mb(process.pid)
            stop = threading.Event()
            attackers: list[tuple[Callable[..., None], tuple[object, ...]]] = [
                (trickle, (port, counts, stop))
            ]
            attackers += [(flood, (port, counts, stop))] * FLOODS
            threads = [threading.Thread(target=f, args=a, daemon=True) for f, a in attackers]
            for thread in threads:
                thread.start()
            fetching = threading.Thread(target=phone, args=(url, seconds, counts, stop))
            fetching.start()
            while fetching.is_alive():
                fetching.join(0.5)
                peak_mb = max(peak_mb, rss_mb(process.pid))
            stop.set()
            for thread in threads:
                thread.join(10)
            end_mb = rss_mb(process.pid)
            alive = process.poll() is None
        finally:
            process.terminate()
            process.wait(30)
    answered = [t for t in counts.fetches if t is not None]
    slowest = max(answered) if answered else float("inf")
    fetches_ok = len(answered) == len(counts.fetches) == seconds and slowest < SLOWEST_GOAL_S
    memory_ok = end_mb - start_mb < MEMORY_GOAL_MB
    rows = [
        ("page fetches answered (one a second)", f"{len(answered)} of {seconds}", "all"),
        ("slowest page fetch", f"{slowest:.3f} s", f"< {SLOWEST_GOAL_S:.0f} s"),
        ("server memory (RSS) at the start", f"{start_mb:.1f} MB", "-"),
        ("server memory (RSS) at its peak", f"{peak_mb:.1f} MB", "-"),
        (
            "server memory (RSS) at the end",
            f"{end_mb:.1f} MB (+{end_mb - start_mb:.1f})",
            f"within {MEMORY_GOAL_MB:.0f} MB of the start",
        ),
        (
            f"trickling connections opened ({TRICKLERS} at a time)",
            f"{counts.trickle_opened} ({counts.trickle_hung_up} hung up by the server)",
            "-",
        ),
        (
            f"heads of {FLOOD_LINES * FLOOD_LINE / 1e6:.0f} MB sent ({FLOODS} floods at a time)",
            f"{counts.floods_sent} ({counts.floods_refused} refused with 400)",
            "-",
        ),
        ("server still running", "yes" if alive else "NO", "yes"),
    ]
    return rows, fetches_ok and memory_ok and alive


def table(rows: list[tuple[str, str, str]]) -> str:
    heading = ("share under load", "measured", "goal")
    widths = [max(len(row[i]) for row in [heading, *rows]) for i in range(3)]

    def line(cells: tuple[str, str, str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(heading), rule, *(line(row) for row in rows)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    rows, met = run(parser.parse_args().seconds)
    print(table(rows))
    sys.exit(0 if met else 1)
