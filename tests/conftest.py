"""Shared fixtures: the built-in library, a countable fake cue oracle, the real engine, the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from voice_coach.cli import main
from voice_coach.content.loader import load_library, resolve_target
from voice_coach.model import Library, Settings, Timeline
from voice_coach.plan import build_timeline
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import make_engine

RATE = 22050


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


class FakeLengths:
    """Speech length grows with the text (0.05 s a character + 0.1 s): exact and countable."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, text: str) -> int:
        self.asked.append(text)
        return RATE // 10 + len(text) * RATE // 20


PlanFn = Callable[..., Timeline]


@pytest.fixture
def plan_of(library: Library) -> PlanFn:
    def run(
        *target: str, lengths: Callable[[str], int] | None = None, **options: object
    ) -> Timeline:
        ids, playlist = resolve_target(library, target)
        settings = Settings(**options)  # type: ignore[arg-type]
        return build_timeline(library, ids, playlist, settings, lengths or FakeLengths(), RATE)

    return run


@pytest.fixture(scope="session")
def real_cues() -> CueSource:
    """The default engine for real: pyttsx3 driving espeak-ng."""
    return CueSource(make_engine("pyttsx3"))


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VOICE_COACH_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], home: Path) -> Callable[..., Result]:
    """Run `voice-coach ARGS` in-process through the same `main` the console script uses."""

    def run(*args: str) -> Result:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def roles(timeline: Timeline, role: str, exercise: str | None = None) -> list[object]:
    return [
        e
        for e in timeline.events
        if e.role == role and (exercise is None or e.exercise == exercise)
    ]


def texts(timeline: Timeline) -> Sequence[str]:
    return [e.text for e in timeline.events if e.text]
