"""The bench's accented voices: the commands spelled for another language's letters, so that a
person with that accent says them, and anything else left as it is."""

from __future__ import annotations

from support import many_voices as mv

from voice_coach.listening.commands import PHRASES


def test_every_command_has_a_spelling_in_each_accent() -> None:
    for accent in mv.ACCENTS:
        for phrase in PHRASES:
            said = mv.respelled(f"Coach, {phrase}.", accent)
            assert said != f"Coach, {phrase}.", (accent, phrase)
            assert said.endswith(".") and said[0] == said[0].upper()


def test_a_czech_reader_spells_the_words_as_they_sound() -> None:
    assert mv.respelled("Coach, how long.", "czech") == "Kouč, hau long."
    assert mv.respelled("Six, right.", "czech") == "Siks, rajt."
    assert mv.respelled("Coach, back.", "catalan") == "Coutx, bac."


def test_a_text_with_a_word_it_cannot_spell_is_read_in_the_voices_own_language() -> None:
    assert mv.respelled("Lie on your back.", "czech") == "Lie on your back."
    assert mv.respelled("Coach, pause.", "en-us") == "Coach, pause."
