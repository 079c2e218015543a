"""The command line as a user meets it: listings, pages, plans, and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from support.files import write
from support.running import Result

from voice_coach.cli import cli
from voice_coach.model import Library

Run = Callable[..., Result]


def test_causes_lists_every_playlist(run_cli: Run) -> None:
    result = run_cli("causes")
    assert result.code == 0
    for playlist in ("disc-bulge", "foraminal-stenosis", "piriformis-syndrome", "not-sure"):
        assert playlist in result.out
    data = json.loads(run_cli("causes", "--json").out)
    by_id = {item["id"]: item for item in data}
    assert by_id["disc-bulge"]["exercises"] == [
        "lower-back-extension",
        "pelvic-tilts",
        "decompression",
    ]
    assert by_id["not-sure"]["length_s"] > by_id["disc-bulge"]["length_s"] > 60


def test_exercises_json_has_the_spec_fields(run_cli: Run) -> None:
    data = json.loads(run_cli("exercises", "--json").out)
    assert len(data) == 18
    by_id = {item["id"]: item for item in data}
    floss = by_id["sciatic-nerve-floss"]
    assert floss["needs_helper"] is True and floss["sides"] == "painful"
    assert floss["causes"] == ["irritated-sciatic-nerve"]
    assert by_id["sciatic-nerve-stretch"]["equipment"] == ["a strap"]
    assert "not-sure" in by_id["pelvic-tilts"]["causes"]
    for item in data:
        assert {"id", "name", "causes", "equipment", "needs_helper", "sides"} <= set(item)
    piriformis = json.loads(run_cli("exercises", "--cause", "piriformis-syndrome", "--json").out)
    assert next(e["id"] for e in piriformis) == "piriformis-release"


def test_show_reads_like_a_page(run_cli: Run) -> None:
    result = run_cli("show", "piriformis-release")
    assert result.code == 0
    assert "Piriformis Release" in result.out
    assert "continue for 2 minutes" in result.out
    assert "a massage ball" in result.out
    assert "Do not press directly on top of the sciatic nerve" in result.out


def test_guide_prints_the_advice_and_the_disclaimer(run_cli: Run) -> None:
    everything = run_cli("guide")
    assert everything.code == 0
    assert "Avoid aggravating activities" in everything.out
    assert "not medical advice" in everything.out
    one = run_cli("guide", "seek-guidance")
    assert "2 weeks" in one.out and "Reduce inflammation" not in one.out


def test_plan_json_for_a_playlist_is_contiguous(run_cli: Run) -> None:
    result = run_cli("plan", "disc-bulge", "--json", "--side", "left")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["sample_rate"] == 22050
    end = 0.0
    for event in data["events"]:
        assert event["start_s"] == end
        end = event["end_s"]
    assert end == data["duration_s"]
    reps = [e for e in data["events"] if e["role"] == "rep" and e["exercise"] == "pelvic-tilts"]
    assert len(reps) == 20


def test_plan_json_says_whether_music_is_on_and_which(run_cli: Run, tmp_path: Path) -> None:
    songs = tmp_path / "songs"
    songs.mkdir()
    data = json.loads(run_cli("plan", "pelvic-tilts", "--json").out)
    assert data["music"] == {"on": False}
    given = ["--music", str(songs), "--music-level", "-6", "--shuffle"]
    data = json.loads(run_cli("plan", "pelvic-tilts", *given, "--json").out)
    assert data["music"] == {"on": True, "file": str(songs), "level_db": -6, "order": "shuffled"}
    assert run_cli("config", "set", "music", str(songs)).code == 0
    assert json.loads(run_cli("plan", "pelvic-tilts", "--json").out)["music"]["on"] is True
    off = json.loads(run_cli("plan", "pelvic-tilts", "--no-music", "--json").out)
    assert off["music"] == {"on": False}
    assert run_cli("plan", "pelvic-tilts", "--music-level", "20").code == 2
    gone = json.loads(run_cli("plan", "pelvic-tilts", "--music", "/nowhere/x", "--json").out)
    assert gone["music"]["on"] is False and gone["music"]["problem"]


def test_plan_overrides_from_the_command_line(run_cli: Run) -> None:
    data = json.loads(run_cli("plan", "pelvic-tilts", "clam-shell", "--reps", "2", "--json").out)
    assert data["target"] == ["pelvic-tilts", "clam-shell"]
    assert len([e for e in data["events"] if e["role"] == "rep"]) == 4
    text = run_cli("plan", "floor-piriformis-stretch", "--side", "left", "--hold", "12")
    assert text.code == 0
    assert "your left leg" in text.out and "Floor Piriformis Stretch" in text.out
    held = json.loads(run_cli("plan", "floor-piriformis-stretch", "--hold", "12", "--json").out)
    start = next(e for e in held["events"] if e["role"] == "hold-start")["end_sample"]
    end = next(e for e in held["events"] if e["role"] == "hold-end")["start_sample"]
    assert end - start == 12 * held["sample_rate"]


def test_user_content_dir_is_used_and_checked(run_cli: Run, tmp_path: Path) -> None:
    write(
        tmp_path / "mine",
        "extra.yaml",
        "playlists:\n  - id: quick\n    title: Quick\n    for: a test\n"
        "    exercises: [pelvic-tilts, clam-shell]\n",
    )
    result = run_cli("causes", "--content-dir", str(tmp_path / "mine"))
    assert "quick" in result.out
    write(tmp_path / "bad", "extra.yaml", "playlists:\n  - id: quick\n    titel: Quick\n")
    bad = run_cli("plan", "quick", "--content-dir", str(tmp_path / "bad"))
    assert bad.code == 1
    assert bad.err.count("\n") == 1
    assert "extra.yaml:3" in bad.err and "did you mean 'title'" in bad.err


@pytest.mark.parametrize(
    ("args", "expected", "code"),
    [
        (("show", "pelvic-tilt"), "did you mean 'pelvic-tilts'", 1),
        (("plan", "disc-bulgee"), "did you mean 'disc-bulge'", 1),
        (("plan", "disc-bulge", "--side", "middle"), "'middle' is not one of", 2),
        (("plan", "disc-bulge", "--reps", "0"), "--reps", 2),
        (("exercises", "--cause", "piriformis"), "did you mean 'piriformis-syndrome'", 1),
        (("guide", "inflammation"), "did you mean 'reduce-inflammation'", 1),
        (("frobnicate",), "No such command", 2),
        (("plan",), "Missing argument", 2),
    ],
)
def test_errors_are_one_line_without_traceback(
    run_cli: Run, args: tuple[str, ...], expected: str, code: int
) -> None:
    assert_one_line_error(run_cli(*args), expected, code)


@pytest.mark.engine
@pytest.mark.parametrize(
    ("args", "expected", "code"),
    [
        (("plan", "disc-bulge", "--engine", "festival"), "choose one of: auto, piper, pyttsx3", 1),
        (("plan", "disc-bulge", "--voice", "klingon"), "unknown voice 'klingon'", 1),
    ],
)
def test_engine_errors_are_one_line_without_traceback(
    run_cli_real: Run, args: tuple[str, ...], expected: str, code: int
) -> None:
    assert_one_line_error(run_cli_real(*args), expected, code)


def assert_one_line_error(result: Result, expected: str, code: int) -> None:
    assert result.code == code
    assert result.err.startswith("voice-coach: error: ")
    assert result.err.count("\n") == 1, result.err
    assert expected in result.err
    assert "Traceback" not in result.err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    plain = subprocess.run(
        [sys.executable, "-m", "voice_coach", "show", "nope"], capture_output=True, text=True
    )
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = subprocess.run(
        [sys.executable, "-m", "voice_coach", "--debug", "show", "nope"],
        capture_output=True,
        text=True,
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "UserError" in debug.stderr


def test_console_script_and_help_everywhere() -> None:
    script = Path(sys.executable).with_name("voice-coach")
    for command in ([], ["causes"], ["exercises"], ["show"], ["guide"], ["plan"]):
        done = subprocess.run([str(script), *command, "--help"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Usage: voice-coach" in done.stdout
    plan_help = subprocess.run([str(script), "plan", "--help"], capture_output=True, text=True)
    for option in ("--side", "--reps", "--hold", "--engine", "--voice", "--rate", "--content-dir"):
        assert option in plan_help.stdout


@pytest.mark.engine
def test_a_missing_speech_engine_is_one_line_naming_what_to_install(
    run_cli_real: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pyttsx3

    def no_espeak(*args: object, **kwargs: object) -> None:
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    monkeypatch.setattr(pyttsx3, "init", no_espeak)
    empty = str(tmp_path / "empty-cache")
    result = run_cli_real("plan", "pelvic-tilts", "--engine", "pyttsx3", "--cache-dir", empty)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "espeak-ng could not be loaded" in result.err
    assert "sudo apt-get install espeak-ng" in result.err


def test_a_bug_is_an_internal_error_with_status_70(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice_coach.cli import views

    def broken(*args: object) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "causes_table", broken)
    result = run_cli("causes")
    assert result.code == 70
    assert result.err.startswith("voice-coach: error: internal error: RuntimeError: a bug")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    context = click.Context(group)
    for name in group.list_commands(context):  # the main group finds its commands lazily
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


INTERNAL_WORDS = re.compile(r"\b(spec|seeds?|issues?)\b", re.IGNORECASE)


def test_every_command_has_help_in_the_users_words(run_cli: Run) -> None:
    paths = command_paths(cli)
    assert ("config", "set") in paths and ("cache", "stats") in paths and ("choose",) in paths
    assert len(paths) >= 20
    for path in paths:
        result = run_cli(*path, "--help")
        assert result.code == 0, (path, result.err)
        assert result.out.startswith(f"Usage: voice-coach {' '.join(path)}".rstrip()), path
        assert not INTERNAL_WORDS.search(result.out), (path, INTERNAL_WORDS.search(result.out))


def test_what_users_read_never_names_our_internal_documents(library: Library) -> None:
    from voice_coach.cli import views

    shown = [views.exercise_page(library, e) for e in library.exercises.values()]
    shown.append(views.guide_page(list(library.guide.values()), library.programme.disclaimer))
    for text in shown:
        assert not re.search(r"\b(spec|seed)\b", text, re.IGNORECASE), text  # not "chia seeds"


def test_each_command_lives_in_the_module_the_main_group_names() -> None:
    """The main group imports a command's module only when it runs: the table it reads must
    name every command of every module, and nothing else."""
    import importlib

    from voice_coach.cli import GROUPS

    for group, names in GROUPS.items():
        module = importlib.import_module(f"voice_coach.cli.{group}")
        assert tuple(c.name for c in module.COMMANDS) == names, group


def test_the_readme_shows_the_settings_table_itself() -> None:
    """One source of truth: the README's settings are the settings table, word for word."""
    from voice_coach.cli.views import settings_markdown

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert settings_markdown() in readme


def test_every_help_that_names_a_file_format_names_every_format_export_takes(
    run_cli: Run,
) -> None:
    """`export --help` once offered only .mp3 and .wav, though .m4b is written as well."""
    from voice_coach.audio.formats import FORMATS

    assert set(FORMATS) >= {"mp3", "m4b", "wav"}
    naming = []
    for path in command_paths(cli):
        text = run_cli(*path, "--help").out
        if any(f".{fmt}" in text for fmt in FORMATS):
            naming.append(path)
            missing = [fmt for fmt in FORMATS if f".{fmt}" not in text]
            assert not missing, (path, missing)
    assert ("export",) in naming and ("choose",) in naming
