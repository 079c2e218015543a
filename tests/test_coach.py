"""The use-cases behind `play` and `choose`, in-process: scripted answers, a fake engine and a
fake player (fast; the real terminal, engine and sound server prove the same in
test_personal.py and test_playback_real.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from support.fakes import FakeWorld
from support.playback import InstantPlayer, instant
from support.running import Result

from voice_coach import choose, coach
from voice_coach.journal import home, record
from voice_coach.session.options import SessionOptions

World = Callable[..., FakeWorld]
Run = Callable[..., Result]


QUICK = SessionOptions(reps=1, hold_s=2)


def test_after_session_questions_are_asked_checked_and_logged(world: World) -> None:
    players: list[InstantPlayer] = []
    answers = ["11", "5", "3", "great", "b", "", "w"]
    w = world(answers, player=instant(players))
    targets = ("pelvic-tilts", "clam-shell", "knees-to-chest")
    outcome = coach.play(targets, QUICK, coach.PlayRequest("instant"), w.env)
    assert outcome.completed == list(targets) and not outcome.interrupted
    assert len(w.prompter.asked) == len(answers)
    assert w.prompter.asked[0].startswith("Pain in your leg now, 0 (none) to 10")
    assert w.prompter.asked[2].startswith("Pain in your leg now, after the session")
    assert w.prompter.asked[3].startswith("How did Pelvic Tilts make your leg feel?")
    assert "not 11" in w.prompter.refused[0] and "b (better)" in w.prompter.refused[1]
    (entry,) = record.logged()
    assert (entry.pain_before, entry.pain_after) == (5, 3)
    assert entry.effects == {"pelvic-tilts": "better", "knees-to-chest": "worse"}
    assert sorted(entry.completed) == sorted(targets) and entry.source == "play"
    assert any(line.startswith("Finished: 3 of 3 exercises done in") for line in w.out)
    assert players[0].samples > 0 and w.engine.said  # the fake engine really spoke the cues


def test_without_a_terminal_nothing_is_asked_and_the_session_is_still_logged(world: World) -> None:
    w = world([], terminal=False, player=instant([]))
    coach.play(("pelvic-tilts",), QUICK, coach.PlayRequest("instant", pain_before=4), w.env)
    assert w.prompter.asked == []
    (entry,) = record.logged()
    assert entry.pain_before == 4 and entry.pain_after is None and entry.effects == {}


def test_the_disclaimer_is_printed_the_first_time_and_marked_heard(world: World) -> None:
    w = world([], terminal=False, player=instant([]))
    assert home.first_use_of(home.DISCLAIMER_MARK)
    coach.play(("pelvic-tilts",), QUICK, coach.PlayRequest("instant"), w.env)
    assert any(line.startswith("Disclaimer: ") for line in w.out)
    assert not home.first_use_of(home.DISCLAIMER_MARK)
    again = world([], terminal=False, player=instant([]))
    coach.play(("pelvic-tilts",), QUICK, coach.PlayRequest("instant"), again.env)
    assert not any(line.startswith("Disclaimer: ") for line in again.out)


MRI = ("disc", "stenosis", "both", "none", "no-scan")
YES_NO = ("yes", "no", "unsure")


@pytest.mark.parametrize(
    ("mri", "back", "leg"),
    [
        (m, b, r)
        for m, b, r in itertools.product(MRI, YES_NO, YES_NO)
        if m in ("none", "no-scan") or (b, r) == ("unsure",) * 2
    ],
)
def test_choose_asks_in_process_and_suggests(world: World, mri: str, back: str, leg: str) -> None:
    scanned = mri not in ("none", "no-scan")
    answers = [mri] + ([] if scanned else [back, "n", leg]) + ["q"]
    w = world(answers)
    started: list[str] = []
    suggestion = choose.choose(w.env, started.append, started.append)
    assert suggestion == choose.suggest(choose.Answers(mri, back, leg))
    assert started == [] and w.prompter.answers == []
    assert f"Suggested playlist: {suggestion.playlist} (" in "\n".join(w.out)
    assert f"When you are ready: voice-coach play {suggestion.playlist}" in w.out


def test_choose_can_guide_the_check_and_then_play(world: World) -> None:
    players: list[InstantPlayer] = []
    w = world(["maybe", "no-scan", "no", "y", "yes", "p"])
    quiet = world([], terminal=False, player=instant(players))  # no questions after playing
    played: list[str] = []

    def play(target: str) -> None:
        played.append(target)
        coach.play((target,), QUICK, coach.PlayRequest("instant"), quiet.env)

    suggestion = choose.choose(w.env, play, lambda target: None)
    assert played == [choose.CHECK, "irritated-sciatic-nerve"]
    assert suggestion.playlist == "irritated-sciatic-nerve"
    assert w.prompter.refused == ["maybe"] and len(players) == 2


def test_a_session_played_over_a_corrupt_log_is_still_logged(world: World) -> None:
    home.home().mkdir(parents=True, exist_ok=True)
    (home.home() / "log.sqlite3").write_bytes(b"garbage" * 200)
    w = world([], terminal=False, player=instant([]))
    coach.play(("pelvic-tilts",), QUICK, coach.PlayRequest("instant", pain_before=3), w.env)
    assert any("moved aside" in line for line in w.out)
    (entry,) = record.logged()
    assert entry.pain_before == 3
    assert len(list(home.home().glob("log.sqlite3.broken-*"))) == 1


def test_an_export_from_choose_asks_where_and_never_replaces_silently(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir.mp3").mkdir()
    w = world(["notes.txt", "~nosuchuser9/a.mp3", "dir.mp3", "", "y"])  # refused; Enter: suggested
    assert choose.where_to_save(w.env, "disc-bulge", None) == Path("disc-bulge.mp3")
    assert w.prompter.asked == ["Save it as (Enter for disc-bulge.mp3)"] * 4
    assert "cannot tell the format" in w.prompter.refused[0]
    assert "~nosuchuser9 names no home folder" in w.prompter.refused[1]  # was exit 70
    assert "dir.mp3 is a folder" in w.prompter.refused[2]  # was "exists. Replace it?"
    (tmp_path / "mine.mp3").write_bytes(b"old")
    w = world(["mine.mp3", "n"])
    assert choose.where_to_save(w.env, "disc-bulge", None) is None  # declined: nothing written
    assert (tmp_path / "mine.mp3").read_bytes() == b"old" and "Nothing written." in w.out
    w = world([])
    given = tmp_path / "given.mp3"
    assert choose.where_to_save(w.env, "disc-bulge", given) == given and not w.prompter.asked


def test_choose_takes_the_session_options(run_cli: Run, tmp_path: Path) -> None:
    answers = ["--mri", "disc", "--cache-dir", str(tmp_path / "cache"), "--side", "left"]
    result = run_cli("choose", *answers, "-o", str(tmp_path / "x.mp3"))
    assert result.code == 0 and "Suggested playlist: disc-bulge" in result.out
    assert not (tmp_path / "x.mp3").exists()  # without a terminal it suggests, writes nothing


@pytest.mark.parametrize("times", [0, 1, 2, 3])
def test_a_session_that_asked_again_twice_ends_with_the_way_to_calibrate(
    world: World, times: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counting is the controller's (test_listening.py); here, what the end of `play` says."""
    played = coach.play_session

    def asked(*args: object, **kwargs: object) -> object:
        timeline, outcome = played(*args, **kwargs)  # type: ignore[arg-type]
        outcome.asked_again = times
        return timeline, outcome

    monkeypatch.setattr(coach, "play_session", asked)
    for listen in (True, False):
        w = world([], terminal=False, player=instant([]))
        w.env.make_listener = lambda *_: Silent()  # type: ignore[assignment]
        request = coach.PlayRequest("instant", listen=listen)
        coach.play(("pelvic-tilts",), QUICK, request, w.env)
        tips = [line for line in w.out if "calibrate" in line]
        if times < 2 or not listen:
            assert tips == []
        else:
            assert tips == [
                f"The coach asked {times} times for a command to be said again (it heard one but "
                "was not sure): `voice-coach listen-test --calibrate` fits it to your voice in a "
                "minute or two."
            ]


class Silent:
    problem: str | None = None

    def poll(self) -> list[object]:
        return []

    def close(self) -> None:
        pass


def test_a_session_already_at_the_calibration_ceiling_advises_the_room_instead(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calibrating again cannot listen any closer than the ceiling it stores: at it, the end of
    `play` says what the person can change (the distance, the noise), not to calibrate."""
    from voice_coach.journal import settings
    from voice_coach.listening.classifier import SCALE

    played = coach.play_session

    def asked(*args: object, **kwargs: object) -> object:
        timeline, outcome = played(*args, **kwargs)  # type: ignore[arg-type]
        outcome.asked_again = 2
        return timeline, outcome

    monkeypatch.setattr(coach, "play_session", asked)
    for stored, calibrate in ((SCALE.ceiling, False), (SCALE.ceiling - 0.05, True)):
        settings.store("listen_sensitivity", f"{stored:g}")
        w = world([], terminal=False, player=instant([]))
        w.env.make_listener = lambda *_: Silent()  # type: ignore[assignment]
        coach.play(("pelvic-tilts",), QUICK, coach.PlayRequest("instant", listen=True), w.env)
        tips = [line for line in w.out if line.startswith("The coach asked 2 times")]
        assert len(tips) == 1 and ("listen-test --calibrate" in tips[0]) == calibrate, tips
        assert ("nearer the microphone" in tips[0]) != calibrate
