"""The default engine for real: pyttsx3 driving espeak-ng, every cue truly synthesised."""

from __future__ import annotations

import array
import itertools
import subprocess
import sys

import pytest
from support.fakes import PlanFn

from voice_coach.errors import UserError
from voice_coach.model import Library
from voice_coach.speech.cues import CueSource, trim
from voice_coach.speech.selection import make_engine

pytestmark = pytest.mark.engine


def peak(pcm: bytes) -> int:
    samples = array.array("h")
    samples.frombytes(pcm)
    return max(abs(s) for s in samples)


def test_each_cue_is_really_synthesised_not_just_the_last(real_cues: CueSource) -> None:
    """pyttsx3's espeak driver writes only the last of several queued files; we must not."""
    texts = ["One.", "Lie down on your back.", "Twenty seconds left.", "Pull your knees in."]
    engine = real_cues.engine
    raw = [engine.synthesize(text) for text in texts]
    assert len(set(raw)) == len(texts)
    for pcm in raw:
        assert len(pcm) > engine.sample_rate * 2 * 0.2  # at least 0.2 s of audio
        assert peak(pcm) > 3000  # really speech, not silence
    # Longer sentences take longer to say.
    assert len(raw[0]) < len(raw[1])


def test_a_cue_right_after_another_is_whole_while_espeak_still_looks_busy(
    real_cues: CueSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI once got an empty cue: espeak's thread was still finishing the previous one, pyttsx3's
    loop saw it busy and cancelled the new cue. Make espeak look busy at each start, as then."""
    from pyttsx3.drivers import _espeak

    engine = real_cues.engine
    text = "I will talk you through every exercise, count the repetitions, and time every hold."
    quiet = len(engine.synthesize(text))
    real_is_playing = _espeak.IsPlaying
    polls = itertools.count()
    monkeypatch.setattr(_espeak, "IsPlaying", lambda: next(polls) % 4 == 0 or real_is_playing())
    for _ in range(6):
        pcm = engine.synthesize(text)
        assert abs(len(pcm) - quiet) < 0.05 * quiet  # whole, not cut short
        assert peak(pcm) > 3000


def test_cues_are_trimmed_to_a_short_margin(real_cues: CueSource) -> None:
    raw = real_cues.engine.synthesize("Relax.")
    trimmed = real_cues.pcm("Relax.")
    assert len(trimmed) < len(raw)
    assert real_cues.length("Relax.") == len(trimmed) // 2
    assert trim(trimmed, real_cues.sample_rate) == trimmed  # trimming is stable


def _length_in_subprocess(*args: str) -> int:
    """Each run speaks with one voice and rate (espeak switches them unreliably), so: a process."""
    code = (
        "import sys; from voice_coach.speech.selection import make_engine; "
        "e = make_engine('pyttsx3', voice=sys.argv[1] or None, rate=int(sys.argv[2]) or None); "
        "print(len(e.synthesize('Hold for thirty seconds.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def test_voice_and_rate_change_the_sound() -> None:
    slow, fast = _length_in_subprocess("", "120"), _length_in_subprocess("", "240")
    assert slow > fast * 1.6
    british = _length_in_subprocess("gmw/en", "120")
    assert british != slow


def test_one_process_refuses_to_switch_rate(real_cues: CueSource) -> None:
    real_cues.length("One.")
    with pytest.raises(UserError, match="cannot switch voice or rate"):
        make_engine("pyttsx3", rate=300).synthesize("One.")


def test_unknown_voice_and_engine_are_user_errors() -> None:
    with pytest.raises(UserError, match=r"unknown voice 'gmw/en-uss'.*did you mean 'gmw/en-us'"):
        make_engine("pyttsx3", voice="gmw/en-uss").synthesize("Hello.")
    with pytest.raises(UserError, match="choose one of: auto, piper, pyttsx3"):
        make_engine("festival")


def test_a_real_plan_uses_real_cue_lengths(plan_of: PlanFn, real_cues: CueSource) -> None:
    timeline = plan_of("disc-bulge", lengths=real_cues.length, side="left")
    assert timeline.sample_rate == real_cues.sample_rate == 22050
    speech = [e for e in timeline.events if e.kind == "speech"]
    assert speech
    for event in speech:
        assert event.text and event.length == real_cues.length(event.text) > 0
    # The reps stay on an even beat with real, uneven word lengths ("Seven." vs "Eleven.").
    reps = [e for e in timeline.events if e.role == "rep" and e.exercise == "pelvic-tilts"]
    assert len({b.start - a.start for a, b in itertools.pairwise(reps)}) == 1


def test_a_long_multi_sentence_cue_is_waited_for(real_cues: CueSource, library: Library) -> None:
    """pyttsx3's loop returns before espeak finishes a long text; the engine must wait."""
    text = library.programme.disclaimer
    pcm = real_cues.engine.synthesize(text)
    assert len(pcm) > real_cues.sample_rate * 2 * 10  # well over ten seconds of speech
