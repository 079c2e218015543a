"""VOICE_COACH_TRACE: every start and stop of the sound, with its session sample, for a bench or
a test that measures a live session from its recording (test_playback_real.py does)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.playback import Clock, FakePlayer

from voice_coach import playback
from voice_coach.errors import UserError
from voice_coach.playback import make_player
from voice_coach.playback.trace import TRACE_ENV, TracedPlayer


def test_each_start_and_stop_is_a_line_with_its_sample(tmp_path: Path) -> None:
    clock = Clock()
    inner = FakePlayer(clock, 22050 * 10)
    player = TracedPlayer(inner, tmp_path / "trace.txt")
    player.start(iter([]), 0)
    clock.now = 1.0
    assert player.stop() == 22050
    player.start(iter([]), 22050)
    clock.now = 1.5
    assert player.position() == 22050 + 11025 and not player.done()
    player.close()
    lines = [line.split()[1:] for line in (tmp_path / "trace.txt").read_text().splitlines()]
    assert lines == [["start", "0"], ["stop", "22050"], ["start", "22050"]]
    assert player.name == "fake" and not inner.running


def test_a_trace_file_that_cannot_be_written_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TRACE_ENV, str(tmp_path / "missing" / "trace.txt"))
    closed: list[bool] = []

    class Inner(FakePlayer):
        def close(self) -> None:
            closed.append(True)

    monkeypatch.setitem(playback.PLAYERS, "fake", lambda rate: Inner(Clock(), rate))
    with pytest.raises(UserError) as failed:
        make_player("fake", 22050)
    assert "cannot write the trace file" in failed.value.message
    assert str(tmp_path / "missing") in failed.value.message and closed == [True]


def test_without_the_variable_the_player_is_not_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRACE_ENV, raising=False)
    monkeypatch.setitem(playback.PLAYERS, "fake", lambda rate: FakePlayer(Clock(), rate))
    assert isinstance(make_player("fake", 22050), FakePlayer)
