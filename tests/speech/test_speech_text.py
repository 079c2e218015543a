"""What the engine is given: numbers and units in words, abbreviations expanded, no markup,
and the content's pronunciation list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.fakes import FakeEngine, PlanFn

from voice_coach.content.loader import load_library
from voice_coach.errors import ContentError
from voice_coach.model import Library
from voice_coach.speech.cues import CueSource
from voice_coach.speech.text import speech_text

plain = speech_text()


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Hold for 30 s, then relax.", "Hold for thirty seconds, then relax."),
        ("Hold 30s.", "Hold thirty seconds."),
        (
            "Ice for 10-15 mins, 3-5 times a day.",
            "Ice for ten to fifteen minutes, three to five times a day.",
        ),
        ("Do 5\u201310 reps, 3x a day.", "Do five to ten reps, three times a day."),
        ("Hold 1 min.", "Hold one minute."),
        ("Hold for 30.", "Hold for thirty."),
        ("Hold 1.5 min.", "Hold one point five minutes."),
        ("The L4-S3 nerves and the L5 root.", "The L four to S three nerves and the L five root."),
        ("The 2nd and 21st and 3rd time.", "The second and twenty-first and third time."),
        ("About 50% better.", "About fifty percent better."),
        ("Gel on the back and/or hip.", "Gel on the back and or hip."),
        ("Turmeric, ginger, etc.", "Turmeric, ginger, and so on."),
        ("Rest, e.g. lie down.", "Rest, for example, lie down."),
        ("**Stop** if it hurts.", "Stop if it hurts."),
        ("*Slowly* lower, `then` rest.", "Slowly lower, then rest."),
        ("- Lie on your back.", "Lie on your back."),
        ("## Step 2", "Step two"),
        ("See [the guide](https://example.org/x) now.", "See the guide now."),
        ("<b>Breathe</b> out.", "Breathe out."),
        ("Code 12345.", "Code one two three four five."),
        ("Lie on your painful-side hip.", "Lie on your painful-side hip."),
    ],
)
def test_written_text_is_said_naturally(written: str, said: str) -> None:
    assert plain(written) == said


def test_the_pronunciation_list_respells_whole_words_keeping_a_capital() -> None:
    say = speech_text({"sciatic": "sigh-attic", "NSAIDs": "non-steroidal anti-inflammatory drugs"})
    assert say("Sciatic nerve floss.") == "Sigh-attic nerve floss."
    assert say("The sciatic nerve.") == "The sigh-attic nerve."
    assert say("Sciatica is pain.") == "Sciatica is pain."  # whole words only
    assert say("Take NSAIDs for 7 days.") == (
        "Take non-steroidal anti-inflammatory drugs for seven days."
    )
    assert say("nsaids") == "nsaids"  # an entry with capitals matches exactly


def test_the_built_in_list_fixes_the_words_espeak_gets_wrong(library: Library) -> None:
    say = speech_text(library.pronunciations)
    assert say("The sciatic nerve.") == "The sigh-attic nerve."
    assert say("Seated piriformis stretch.") == "Seated pirri-formiss stretch."
    assert "NSAIDs" not in say("Anti-inflammatory medication (NSAIDs).")


def test_every_cue_of_every_playlist_reaches_the_engine_as_plain_words(
    library: Library, plan_of: PlanFn
) -> None:
    say = speech_text(library.pronunciations)
    for playlist in library.playlists:
        for event in plan_of(playlist, side="left").events:
            if event.text:
                said = say(event.text)
                assert not re.search(r"[0-9*_#`<>\[\]]", said), said


def test_the_cue_source_gives_the_engine_the_spoken_form_and_caches_by_it(
    tmp_path: Path,
) -> None:
    from voice_coach.speech.cache import CueCache

    engine = FakeEngine()
    cues = CueSource(engine, CueCache(tmp_path), speech_text({"piriformis": "pirri-formiss"}))
    cues.pcm("Piriformis release, 2 min.")
    assert engine.said == ["Pirri-formiss release, two minutes."]
    # Written differently, said the same: one cue in the cache, no second synthesis.
    again = CueSource(engine, CueCache(tmp_path), speech_text({"piriformis": "pirri-formiss"}))
    again.pcm("Piriformis release, 2 mins.")
    assert len(engine.said) == 1


def test_a_user_folder_adds_to_the_pronunciation_list_and_mistakes_name_the_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "words.yaml").write_text(
        "pronunciations:\n  - written: supine\n    say: soo-pine\n", encoding="utf-8"
    )
    library = load_library([tmp_path])
    assert library.pronunciations["supine"] == "soo-pine"
    assert library.pronunciations["sciatic"] == "sigh-attic"  # the built-in list stays
    (tmp_path / "words.yaml").write_text(
        "pronunciations:\n  - written: supine\n    sya: soo-pine\n", encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"words.yaml:3.*'sya'.*did you mean 'say'"):
        load_library([tmp_path])
    (tmp_path / "words.yaml").write_text(
        "pronunciations:\n  - written: supine\n    say: a\n  - written: supine\n    say: b\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match=r"duplicate pronunciation id 'supine'"):
        load_library([tmp_path])


def test_every_spoken_sentence_is_short(library: Library, plan_of: PlanFn) -> None:
    """Someone lying on the floor hears each sentence once: none runs past 25 words."""
    for playlist in library.playlists:
        timeline = plan_of(playlist, side="left", disclaimer=True, see_professional=True)
        for event in timeline.events:
            for sentence in re.split(r"(?<=[.!?])\s+", event.text or ""):
                assert len(sentence.split()) <= 25, sentence
