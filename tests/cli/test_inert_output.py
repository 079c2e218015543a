"""Nothing a person or a file supplied reaches the terminal raw: every line voice-coach prints
that holds a path, a name, a target or a stored value shows its escape sequences, bidi controls
and other disguising characters as their codes, and a newline in it cannot split the line.

A file name such as `x<ESC>[31mred.wav` or `dir<ESC>]0;PWN<BEL>` (a terminal title), a session
target holding U+202E (right-to-left override) in a hand-edited log, a setting value with a
screen clear: each command that echoes such a thing is run here, and what it prints is checked."""

from __future__ import annotations

import contextlib
import io
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from support.fakes import RATE, PlanFn
from support.running import Result

from voice_coach.errors import inert, inert_lines, one_line
from voice_coach.model import Library, Timeline
from voice_coach.playback.controller import Moment
from voice_coach.playback.screen import LiveScreen, PlainScreen

Run = Callable[..., Result]

HOSTILE = (
    "\x1b[31m",  # a colour: CSI
    "\x1b]0;PWN\x07",  # the terminal's title: OSC
    "\x1b[2J",  # a screen clear
    "\x9b1m",  # CSI as one C1 byte
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
)
"""Each must never reach the terminal as itself."""
SHOWN = r"\x1b[31m"
"""How the first one reads once inert."""
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def hostile(stem: str) -> str:
    return stem + "".join(HOSTILE) + "\nend"


def raw_in(text: str) -> list[str]:
    """The characters of `text` a terminal would act on or that disguise it (newlines apart)."""
    return [c for c in text if c != "\n" and not c.isprintable()]


def clean(result: Result) -> Result:
    assert result.code == 0, result.err
    assert raw_in(result.out) == [] and raw_in(result.err) == [], (result.out, result.err)
    return result


def test_the_shared_escape_shows_controls_bidi_and_format_characters_as_codes() -> None:
    for char in [*HOSTILE, *BIDI, "\n", "\r", "\t", "\u2028", "\U000e0041", "\udcff"]:
        shown = inert(f"a{char}b")
        assert raw_in(shown) == [] and "\n" not in shown, repr(char)
    assert inert("x\x1b[31mred.wav") == r"x\x1b[31mred.wav"
    assert inert("p\u202egnp.exe") == r"p\u202egnp.exe"
    assert inert("name-\udcff.wav") == r"name-\xff.wav"  # a byte that is not UTF-8
    assert inert("plain é █ ~ [x]") == "plain é █ ~ [x]"
    assert inert_lines("one\x1b[2J\ntwo\u202e") == "one\\x1b[2J\ntwo\\u202e"
    assert one_line("bad\n\u202evalue") == r"bad \u202evalue"


def test_export_o_shows_a_hostile_file_name_inert_on_one_line(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / (hostile("x") + ".wav")
    result = clean(run_cli("export", "pelvic-tilts", "--reps", "1", "-o", str(out)))
    assert out.exists()
    assert result.out.count("\n") == 1 and result.out.startswith("wrote ") and SHOWN in result.out


def test_export_split_shows_a_hostile_folder_inert_on_one_line(
    run_cli: Run, tmp_path: Path
) -> None:
    folder = tmp_path / hostile("dir")
    result = clean(
        run_cli("export", "pelvic-tilts", "--reps", "1", "--split", str(folder), "--format", "wav")
    )
    assert result.out.count("\n") == 1 and r"\x1b]0;PWN\x07" in result.out
    assert any(p.suffix == ".m3u" for p in folder.iterdir())


def test_progress_plot_shows_a_hostile_file_name_inert(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert run_cli("log", "add", "clam-shell", "--pain-before", "5").code == 0
    plot = tmp_path / (hostile("p") + ".png")
    result = clean(run_cli("progress", "--plot", str(plot)))
    assert plot.exists() and r"\x1b[2J" in result.out
    assert [line for line in result.out.splitlines() if line.startswith("wrote ")] == [
        f"wrote {inert(str(plot))}"
    ]


def a_logged_target(home: Path, target: str, run_cli: Run) -> None:
    """A session whose target was edited by hand in the log (the log itself is another
    helper's: it is written here as any other program may)."""
    assert run_cli("log", "add", "clam-shell", "--date", "2026-11-01").code == 0
    with contextlib.closing(sqlite3.connect(home / "home" / "log.sqlite3")) as db:
        db.execute("UPDATE sessions SET target = ?", (target,))
        db.commit()


@pytest.mark.parametrize(
    "command",
    [["log", "list"], ["progress"], ["log", "edit", "1", "--pain-after", "2"]],
    ids=" ".join,
)
def test_a_stored_target_with_a_bidi_override_is_shown_inert(
    run_cli: Run, home: Path, command: list[str]
) -> None:
    a_logged_target(home, "clam\u202ellehs-", run_cli)
    result = run_cli(*command)
    assert result.code == 0, result.err
    assert raw_in(result.out + result.err) == [] and r"clam\u202ellehs-" in result.out


def test_log_rm_names_a_hostile_target_inert(run_cli: Run, home: Path) -> None:
    a_logged_target(home, "clam\u202e\u2066", run_cli)  # (escape codes make it unreadable)
    result = clean(run_cli("log", "rm", "1", "--yes"))
    assert result.out == "removed session 1 (2026-11-01, clam\\u202e\\u2066)\n"


@pytest.mark.parametrize("command", [["log", "list", "--json"], ["progress", "--json"]])
def test_json_output_carries_hostile_text_as_json_escapes(
    run_cli: Run, home: Path, command: list[str]
) -> None:
    target = "clam\u202e\u200b\U000e0041"
    a_logged_target(home, target, run_cli)
    result = clean(run_cli(*command))
    assert json.loads(result.out)["sessions"][0]["target"] == target  # the same text, escaped


def test_config_shows_a_hostile_stored_value_inert(run_cli: Run, home: Path) -> None:
    """(Escape codes in the file are refused when it is read; bidi controls are not.)"""
    (home / "home").mkdir()
    (home / "home" / "config.yaml").write_text(
        'listen_device: "mic\\u202e\\u2066"\n"bad\\u200f": 1\n', encoding="utf-8"
    )
    listed = run_cli("config", "list")
    assert raw_in(listed.out + listed.err) == [] and r"mic\u202e\u2066" in listed.out
    assert r"bad\u200f" in listed.out
    got = run_cli("config", "get", "listen_device")  # refused, as a bad value is
    assert raw_in(got.err) == [] and r"mic\u202e\u2066" in got.err


def test_cache_commands_show_a_hostile_folder_inert(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / hostile("cache")
    for command in (["cache", "stats"], ["cache", "clear"]):
        result = run_cli(*command, "--cache-dir", str(folder))
        assert raw_in(result.out + result.err) == [], (command, result)
        assert result.out.count("\n") == (4 if command[1] == "stats" else 1), result.out


def test_an_error_line_neutralises_bidi_controls_too(run_cli: Run) -> None:
    result = run_cli("export", "pelvic-tilts", "-o", "evil\u202evaw.mp3x")
    assert result.code == 1 and raw_in(result.err) == [] and r"\u202e" in result.err


PRINTS = re.compile(r"\bclick\.(echo|secho)\(|(?<![\w.])print\(|\bsys\.std(out|err)\.write\(")
SINKS = {"cli/common.py", "environment.py"}
"""The only places that write to the terminal: each makes what it writes inert."""


def test_every_line_printed_goes_through_the_one_escape() -> None:
    """A new click.echo or print elsewhere would bypass it: the class stays closed."""
    package = Path(__file__).parents[2] / "voice_coach"
    found = []
    for path in package.rglob("*.py"):
        name = path.relative_to(package).as_posix()
        if name in SINKS:
            continue
        found += [f"{name}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1)
                  if PRINTS.search(line)]  # fmt: skip
    assert found == []


def hostile_timeline(plan_of: PlanFn) -> tuple[Timeline, Moment]:
    """A session whose titles and cues carry escape codes and a bidi override (a --content-dir
    may hold bidi controls; the screen shows what the microphone heard as well)."""
    timeline = plan_of("pelvic-tilts", reps=2)
    evil = "\x1b]0;PWN\x07\u202e"
    chapters = tuple(replace(c, title=c.title + evil) for c in timeline.chapters)
    events = tuple(replace(e, text=e.text + evil) if e.text else e for e in timeline.events)
    timeline = replace(timeline, chapters=chapters, events=events)
    titles = tuple((c.exercise, c.title) for c in chapters)
    position = timeline.chapters[-1].start + RATE
    return timeline, Moment(timeline, position, False, titles, listening="heard: " + evil)


def test_the_plain_screen_shows_titles_and_cues_inert(plan_of: PlanFn) -> None:
    _, moment = hostile_timeline(plan_of)
    out = io.StringIO()
    PlainScreen(out).update(moment)
    assert raw_in(out.getvalue()) == [] and r"\x1b]0;PWN\x07\u202e" in out.getvalue()


@pytest.mark.parametrize("floor", [True, False])
def test_the_live_screen_shows_titles_and_cues_inert(
    plan_of: PlanFn, library: Library, floor: bool
) -> None:
    _, moment = hostile_timeline(plan_of)
    console = Console(file=io.StringIO(), width=100, height=30, color_system=None)
    screen = LiveScreen(library, "Title\x1b[2J\u202e", console=console, floor=floor)
    screen.live.stop()
    console.print(screen.render(moment))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert raw_in(shown) == [] and r"\x1b[2J\u202e" in shown and r"\u202e" in shown


@pytest.mark.parametrize("command", [["config", "list"], ["recommend"]], ids=" ".join)
def test_a_hostile_home_folder_is_shown_inert(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """`config list` names config.yaml and `recommend` names my-plan: both under the home."""
    monkeypatch.setenv("VOICE_COACH_HOME", str(tmp_path / hostile("home")))
    rated = ("log", "add", "clam-shell", "--effect", "clam-shell=better")
    assert run_cli(*rated).code == 0
    result = clean(run_cli(*command))
    assert r"home\x1b[31m" in result.out
