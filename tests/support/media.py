"""Reading audio files as ffprobe and ffmpeg see them."""

from __future__ import annotations

import array
import json
import subprocess
from pathlib import Path
from typing import Any


def probed(path: Path) -> dict[str, Any]:
    """What ffprobe says of a file: its format and tags, streams and chapters."""
    shown = ["-show_chapters", "-show_format", "-show_streams", "-of", "json"]
    done = subprocess.run(
        ["ffprobe", "-v", "error", *shown, str(path)], capture_output=True, check=True, text=True
    )
    return dict(json.loads(done.stdout))


def chapters_match(chapters: list[dict[str, Any]], plan: dict[str, Any], within: float) -> None:
    """The file's chapters (ffprobe's) are the plan's: titles in order, times `within` seconds."""
    assert [c["tags"]["title"] for c in chapters] == [c["title"] for c in plan["chapters"]]
    for got, want in zip(chapters, plan["chapters"], strict=True):
        assert abs(float(got["start_time"]) - want["start_s"]) < within
        assert abs(float(got["end_time"]) - want["end_s"]) < within


def decoded(path: Path) -> array.array[int]:
    """An audio file as ffmpeg decodes it: mono 16-bit samples."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
        capture_output=True,
        check=True,
    ).stdout
    out = array.array("h")
    out.frombytes(raw)
    return out
