"""Shared fixtures: the built-in library, a plan on fake cue lengths, the real engine, the CLI run
in-process, and a home of its own for every test. What the tests share besides fixtures is in
the `support` package."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from support.fakes import (
    RATE,
    FakeEngine,
    FakeLengths,
    FakeWorld,
    PlanFn,
    ScriptedPrompter,
    fake_selector,
)
from support.running import Result, runner

from voice_coach.content.loader import load_library, resolve_target
from voice_coach.environment import Environment
from voice_coach.model import Library, Settings, Timeline
from voice_coach.plan.timeline import build_timeline
from voice_coach.speech.cues import CueSource
from voice_coach.speech.selection import make_engine


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


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


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `voice-coach ARGS` in-process through the same `main` the console script uses, with a
    fake speech engine (no engine needed: for what the CLI does, not how it sounds)."""
    engine = FakeEngine()
    return runner(capsys, lambda: Environment(select_engine=fake_selector(engine)))


@pytest.fixture
def run_cli_real(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`voice-coach ARGS` in-process with the real engines (tests marked `engine`)."""
    return runner(capsys, lambda: None)
