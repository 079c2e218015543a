"""What a person reads, at a narrow and a wide terminal: nothing cut, nothing past the edge, and
the same as the reviewed snapshot in tests/snapshots/ (VOICE_COACH_UPDATE_SNAPSHOTS=1 rewrites
them after a deliberate change; a missing snapshot is a failure, never a silent pass)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rich.console import Console
from support.fakes import RATE, PlanFn
from support.running import Result

from voice_coach.model import Library, Timeline
from voice_coach.playback.controller import Moment
from voice_coach.playback.screen import LiveScreen

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (60, 100)


def matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("VOICE_COACH_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: review the output and write it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


@pytest.mark.parametrize("width", WIDTHS)
def test_causes_wrap_and_keep_every_word(
    width: int, run_cli: object, monkeypatch: pytest.MonkeyPatch, library: Library
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shown = run_cli("causes")  # type: ignore[operator]
    assert isinstance(shown, Result) and shown.code == 0
    assert all(len(line) <= width for line in shown.out.splitlines())
    for playlist in library.playlists.values():  # every word of each description is there
        assert " ".join(words(playlist.purpose)) in " ".join(words(_column(shown.out, "FOR")))
    matches_snapshot(f"causes-{width}", shown.out)


@pytest.mark.parametrize("width", WIDTHS)
def test_exercises_show_names_and_all_equipment(
    width: int, run_cli: object, monkeypatch: pytest.MonkeyPatch, library: Library
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shown = run_cli("exercises")  # type: ignore[operator]
    assert isinstance(shown, Result) and shown.code == 0
    assert all(len(line) <= width for line in shown.out.splitlines())
    flat = " ".join(words(shown.out))
    for exercise in library.only_exercises():
        assert exercise.id in flat
        for item in exercise.equipment:
            assert " ".join(words(item)) in " ".join(words(_column(shown.out, "EQUIPMENT")))
    matches_snapshot(f"exercises-{width}", shown.out)


def _column(table: str, header: str) -> str:
    """The text of one column, read back line by line (the wrapped pieces in order); a table
    laid out as blocks (too narrow for its columns) keeps each value's pieces together anyway."""
    lines = table.splitlines()
    if not lines[0].startswith("ID "):
        return table
    start = lines[0].index(header)
    following = [m.start() for m in re.finditer(r"\S+", lines[0]) if m.start() > start]
    end = following[0] if following else None
    return "\n".join(line[start:end] for line in lines[1:])


def floor_moment(plan_of: PlanFn) -> tuple[Timeline, Moment]:
    timeline = plan_of("seated-piriformis-stretch", "pelvic-tilts")
    hold = next(e for e in timeline.events if e.role == "hold-start").end
    titles = tuple((c.exercise, c.title) for c in timeline.chapters)
    return timeline, Moment(timeline, hold + 4 * RATE + 10, False, titles)


def drawn(library: Library, moment: Moment, width: int, height: int, floor: bool) -> str:
    console = Console(
        file=io.StringIO(), width=width, height=height, color_system=None, force_terminal=False
    )
    screen = LiveScreen(library, "Piriformis", console=console, floor=floor)
    screen.live.stop()
    console.print(screen.render(moment))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_floor_view_shows_the_count_big_and_what_comes_next(
    width: int, plan_of: PlanFn, library: Library
) -> None:
    _, moment = floor_moment(plan_of)
    shown = drawn(library, moment, width, 30, floor=True)
    assert all(len(line) <= width for line in shown.splitlines())
    digits = [line for line in shown.splitlines() if "█" in line]
    assert len(digits) >= 5  # several rows high: 26 s left
    assert "seconds left in the hold" in shown and "Next: Pelvic Tilts" in shown
    assert "1/2  Seated Piriformis Stretch" in shown
    matches_snapshot(f"floor-{width}", shown)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_detail_view_is_one_key_away_and_its_keys_fold(
    width: int, plan_of: PlanFn, library: Library
) -> None:
    _, moment = floor_moment(plan_of)
    shown = drawn(library, moment, width, 30, floor=False)
    assert all(len(line) <= width for line in shown.splitlines())
    assert "Hold: 26 s left" in shown and "█" not in shown
    for key in ("space pause/resume", "n next", "p previous", "r repeat", "t time left", "q quit"):
        assert key in shown  # folded between keys, never inside one
    matches_snapshot(f"detail-{width}", shown)


def test_v_switches_views_and_a_set_shows_its_repetition(plan_of: PlanFn, library: Library) -> None:
    timeline, _ = floor_moment(plan_of)
    reps = [e for e in timeline.events if e.role == "rep"]
    titles = tuple((c.exercise, c.title) for c in timeline.chapters)
    moment = Moment(timeline, reps[6].start + 10, False, titles)
    console = Console(file=io.StringIO(), width=80, height=30, color_system=None)
    screen = LiveScreen(library, "Piriformis", console=console, floor=True)
    screen.live.stop()
    assert screen.key("v") and not screen.floor and screen.key("V") and screen.floor
    assert not screen.key("x")
    shown = drawn(library, moment, 80, 30, floor=True)
    assert "repetition 7 of 20" in shown and "2/2  Pelvic Tilts" in shown
    assert "Next: the end" in shown
    small = drawn(library, moment, 80, 12, floor=True)  # a short terminal: one-cell digits
    assert len([line for line in small.splitlines() if "█" in line]) == 5


def test_both_views_show_what_the_microphone_heard(plan_of: PlanFn, library: Library) -> None:
    _, moment = floor_moment(plan_of)
    heard = Moment(*(getattr(moment, f) for f in ("timeline", "position", "paused", "titles")))
    assert "Heard" not in drawn(library, heard, 60, 30, floor=True)
    line = "Heard: coach pause (ignored: the coach was speaking)"
    heard = Moment(heard.timeline, heard.position, False, heard.titles, listening=line)
    for floor in (True, False):
        shown = drawn(library, heard, 100, 30, floor=floor)
        assert line in shown
        narrow = drawn(library, heard, 40, 30, floor=floor)  # wrapped, never cut
        assert " ".join(words(line)) in " ".join(words(narrow.replace("│", " ")))
