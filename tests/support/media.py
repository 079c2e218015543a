"""Reading audio files as ffprobe and ffmpeg see them."""

from __future__ import annotations

import array
import json
import re
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


METER = ["-af", "ebur128=peak=true", "-f", "null", "-"]


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's own EBU R128 meter measures
    them: a second implementation of BS.1770, not the one voice-coach levels with."""
    done = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), *METER],
        capture_output=True,
        check=True,
        text=True,
    )
    summary = done.stderr[done.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def tone_file(path: Path, seconds: float, *, volume_db: float = -10, frequency: int = 330) -> Path:
    """A stand-in for a person's music: a chord over pink noise (so that, like music, it does
    not line up with itself where a loop crossfades), encoded by ffmpeg."""
    sources = [
        f"sine=frequency={f}:duration={seconds}:sample_rate=44100" for f in (frequency, 415)
    ] + [f"anoisesrc=duration={seconds}:color=pink:sample_rate=44100:amplitude=0.5"]
    graph = "".join(f"[{i}]" for i in range(3)) + f"amix=inputs=3,volume={volume_db}dB"
    inputs = [arg for s in sources for arg in ("-f", "lavfi", "-i", s)]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-ac", "2", str(path)],
        check=True,
    )
    return path
