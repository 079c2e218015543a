#!/usr/bin/env python3
"""How light a start is: the CPU time (user + system) of the commands a person runs to look
around, against a bare click program (`python -c "import click, yaml"`), each the median of nine
runs from an empty folder with a fresh home. Goal (issue 21): within twice the bare program.

Run: .venv/bin/python scripts/startup_bench.py (bench.py prints it too)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = 9
COMMANDS = (
    ["--help"],
    ["--version"],
    ["causes"],
    ["exercises"],
    ["show", "pelvic-tilts"],
    ["guide"],
    ["config", "list"],
)


def cpu_seconds(args: list[str], env: dict[str, str], cwd: str) -> float:
    """The median CPU time of RUNS runs of `python ARGS`."""
    times = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def table() -> str:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, VOICE_COACH_HOME=str(Path(folder) / "home"))
        bare = cpu_seconds(["-c", "import click, yaml"], env, folder)
        rows = [("python -c 'import click, yaml'", bare)]
        for command in COMMANDS:
            rows.append(
                (
                    "voice-coach " + " ".join(command),
                    cpu_seconds(["-m", "voice_coach", *command], env, folder),
                )
            )
    width = max(len(what) for what, _ in rows)
    lines = [
        f"| {'start-up (CPU time)'.ljust(width)} | seconds | x bare | goal |",
        f"| {'-' * width} | ---: | ---: | --- |",
    ]
    for what, seconds in rows:
        goal = "" if seconds is bare else "2x"
        lines.append(f"| {what.ljust(width)} | {seconds:.3f} | {seconds / bare:.1f} | {goal} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
