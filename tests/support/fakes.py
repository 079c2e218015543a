"""Fakes that stand in for the real parts in fast tests: a countable cue-length oracle, a speech
engine that speaks tone bursts, and a prompter that answers from a script."""

from __future__ import annotations

import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from voice_coach.environment import Environment
from voice_coach.model import Timeline
from voice_coach.speech.base import VoiceInfo
from voice_coach.speech.selection import Choice, EngineSelector

RATE = 22050
T = TypeVar("T")


class FakeLengths:
    """Speech length grows with the text (0.05 s a character + 0.1 s): exact and countable."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, text: str) -> int:
        self.asked.append(text)
        return RATE // 10 + len(text) * RATE // 20


PlanFn = Callable[..., Timeline]
"""plan_of: TARGET... and Settings fields -> the timeline (the `plan_of` fixture)."""


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
        voice_from: str = "--voice",
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
