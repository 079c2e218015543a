"""Shared fixtures: the built-in library, a countable fake cue oracle, the real engine, the CLI."""

from __future__ import annotations

import array
import json
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from voice_coach.cli import main
from voice_coach.content.loader import load_library, resolve_target
from voice_coach.environment import Environment
from voice_coach.model import Library, Settings, Timeline
from voice_coach.plan.timeline import build_timeline
from voice_coach.speech.base import VoiceInfo
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import Choice, EngineSelector, make_engine

RATE = 22050
T = TypeVar("T")


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


@pytest.fixture(scope="session")
def shared_cue_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cue cache for the whole run: cues are content-addressed, so tests can share it, and
    none of them reads or fills the checkout's audio_cache/."""
    return tmp_path_factory.mktemp("cue-cache")


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_cue_cache: Path
) -> Iterator[None]:
    """Every test gets its own VOICE_COACH_HOME (settings, log, marks), never the user's; child
    processes inherit both variables."""
    monkeypatch.setenv("VOICE_COACH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VOICE_COACH_CACHE", str(shared_cue_cache))
    yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


class FakeEngine:
    """Speaks every text as a tone burst whose length follows the text: exact and countable,
    and no speech engine needed."""

    name = "fake"
    sample_rate = RATE
    voice = "fake-voice"
    rate = 0

    def __init__(self) -> None:
        self.said: list[str] = []

    def problem(self) -> str | None:
        return None

    def synthesize(self, text: str) -> bytes:
        self.said.append(text)
        samples = RATE // 10 + len(text) * RATE // 40
        burst = array.array("h", (8000 if (i // 20) % 2 else -8000 for i in range(samples)))
        return burst.tobytes()

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.voice, "Fake", "en")]


def fake_selector(engine: FakeEngine) -> EngineSelector:
    def select(
        name: str | None,
        voice: str | None = None,
        rate: int | None = None,
        *,
        voice_model: str | None = None,
        source: str = "--engine",
    ) -> Choice:
        return Choice(engine, "a fake engine for tests")

    return select


class ScriptedPrompter:
    """Answers each question with the next scripted text, checked as the terminal would check
    it (a bad answer is reported and the next one taken); records every question asked."""

    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.refused: list[str] = []

    def _next(self, question: str) -> str:
        self.asked.append(question)
        assert self.answers, f"no scripted answer left for: {question}"
        return self.answers.pop(0)

    def choice(self, question: str, choices: Sequence[str], default: str) -> str:
        while True:
            answer = self._next(question) or default
            if answer in choices:
                return answer
            self.refused.append(answer)

    def confirm(self, question: str, default: bool) -> bool:
        answer = self._next(question).strip().lower()
        return default if not answer else answer.startswith("y")

    def optional(self, question: str, parse: Callable[[str], T | None]) -> T | None:
        while True:
            try:
                return parse(self._next(question))
            except ValueError as exc:
                self.refused.append(str(exc))


@dataclass
class FakeWorld:
    """An Environment for in-process runs: scripted answers, a fake engine, captured lines."""

    engine: FakeEngine
    prompter: ScriptedPrompter
    env: Environment
    out: list[str]


@pytest.fixture
def world() -> Callable[..., FakeWorld]:
    def make(
        answers: Sequence[str] = (), *, terminal: bool = True, player: object = None
    ) -> FakeWorld:
        engine = FakeEngine()
        prompter = ScriptedPrompter(answers)
        out: list[str] = []
        env = Environment(
            stdin_isatty=terminal,
            prompter=prompter,
            select_engine=fake_selector(engine),
            echo=out.append,
            note=out.append,
        )
        if player is not None:
            env.make_player = player  # type: ignore[assignment]
        return FakeWorld(engine, prompter, env, out)

    return make


def _runner(
    capsys: pytest.CaptureFixture[str], env: Callable[[], Environment | None]
) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args), env())
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `voice-coach ARGS` in-process through the same `main` the console script uses, with a
    fake speech engine (no engine needed: for what the CLI does, not how it sounds)."""
    engine = FakeEngine()
    return _runner(capsys, lambda: Environment(select_engine=fake_selector(engine)))


@pytest.fixture
def run_cli_real(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`voice-coach ARGS` in-process with the real engines (tests marked `engine`)."""
    return _runner(capsys, lambda: None)


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
