"""Every wait over a second shows its progress: a cold plan while its cues are synthesised, and an
export while it writes. The bar must reach its end exactly (no "99%" forever, no overshoot), which
proves the work was counted before it was done."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from support.fakes import FakeWorld

from voice_coach import coach
from voice_coach.environment import Environment
from voice_coach.session.options import SessionOptions


class Bars:
    """Stands in for the terminal's progress bars: what each was for, its total, what was done."""

    def __init__(self) -> None:
        self.bars: list[list[object]] = []

    @contextlib.contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[int], None] | None]:
        bar: list[object] = [label, total, 0]
        self.bars.append(bar)

        def step(done: int) -> None:
            bar[2] = int(bar[2]) + done  # type: ignore[call-overload]

        yield step


def with_bars(world: FakeWorld) -> tuple[Environment, Bars]:
    bars = Bars()
    world.env.progress = bars.progress  # type: ignore[method-assign]
    return world.env, bars


def test_a_cold_plan_counts_every_cue_it_synthesises(
    world: Callable[..., FakeWorld], tmp_path: Path
) -> None:
    made = world()
    env, bars = with_bars(made)
    options = SessionOptions(cache_dir=tmp_path / "cache")
    coach.planned(["not-sure"], options, env)
    assert len(bars.bars) == 1
    label, total, done = bars.bars[0]
    assert label == "Preparing the voice"
    assert made.engine.said and isinstance(total, int) and total == done > 0
    coach.planned(["not-sure"], options, env)  # warm: nothing to wait for, no bar
    assert len(bars.bars) == 1


def test_an_export_shows_the_voice_then_the_writing(
    world: Callable[..., FakeWorld], tmp_path: Path
) -> None:
    env, bars = with_bars(world())
    options = SessionOptions(cache_dir=tmp_path / "cache")
    request = coach.ExportRequest(output=tmp_path / "out.wav")
    coach.export(["pelvic-tilts"], options, request, env)
    assert [bar[0] for bar in bars.bars] == ["Preparing the voice", "Writing the audio"]
    for _, total, done in bars.bars:
        assert total == done and isinstance(total, int) and total > 0
