from __future__ import annotations

import pytest

from voice_coach.plan import spoken


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (120, "one hundred and twenty"),
        (1005, "one thousand and five"),
        (2300, "two thousand three hundred"),
    ],
)
def test_number_words(n: int, words: str) -> None:
    assert spoken.number_words(n) == words


def test_number_words_refuses_what_it_cannot_say() -> None:
    with pytest.raises(ValueError):
        spoken.number_words(10_000)


def test_seconds_phrase() -> None:
    assert spoken.seconds_phrase(30) == "thirty seconds"
    assert spoken.seconds_phrase(1) == "one second"
    assert spoken.seconds_phrase(120) == "two minutes"
    assert spoken.seconds_phrase(90) == "one minute and thirty seconds"
    assert spoken.time_left(60) == "One minute left."


def test_fill_sides() -> None:
    text = "Your {other} shoulder to your {side} knee."
    assert spoken.fill_sides(text, "left") == "Your right shoulder to your left knee."
    assert spoken.fill_sides(text, None) == "Your opposite shoulder to your painful-side knee."


def test_rep_cue_and_names() -> None:
    assert spoken.rep_cue(3, None, None) == "Three."
    assert spoken.rep_cue(2, "Cycle", None) == "Cycle two."
    assert spoken.rep_cue(4, None, "right") == "Four, right."
    assert spoken.join_names(["a chair"]) == "a chair"
    assert spoken.join_names(["a ball", "a chair", "a strap"]) == "a ball, a chair and a strap"
