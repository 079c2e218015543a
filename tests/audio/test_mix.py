"""The music under the coach: ducked before every word, back up after, faded at the ends, and
the same samples however the session is cut into blocks (play and export agree)."""

from __future__ import annotations

import numpy as np
import pytest

from voice_coach.audio import mix
from voice_coach.audio.mix import Mixing, Span
from voice_coach.audio.render import render, render_events
from voice_coach.model import Chapter, Event, Timeline

RATE = 8000
HUM = 0.2
"""The stand-in music's amplitude: as levelled music is, well under full scale."""


class Hum:
    """A bed that is a steady sine in music time, so any sample can be checked."""

    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []

    def read(self, at: int, count: int) -> np.ndarray:
        self.reads.append((at, count))
        t = np.arange(at, at + count)
        return (HUM * np.sin(2 * np.pi * 220 * t / RATE)).astype(np.float32)

    def title_at(self, at: int) -> str | None:
        return "first" if at < 10 * RATE else "second"


def timeline() -> Timeline:
    events = []
    at = 0
    for kind, seconds in [
        ("speech", 2.0), ("silence", 3.0), ("tone", 0.2), ("silence", 10.0),
        ("speech", 1.0), ("silence", 0.3), ("speech", 1.0), ("silence", 6.0),
    ]:  # fmt: skip
        length = int(seconds * RATE)
        text = f"cue {at}" if kind == "speech" else None
        tone = "hold-start" if kind == "tone" else None
        events.append(Event(at, length, kind, "instruction", None, text, tone))  # type: ignore[arg-type]
        at += length
    return Timeline(("x",), RATE, tuple(events), (Chapter(None, "All", 0, at),))


def cue(text: str) -> bytes:
    start = int(text.split()[1])
    length = next(e.length for e in timeline().events if e.start == start)
    return (np.full(length, 3000, dtype="<i2")).tobytes()


def rendered(mixing: Mixing | None, **kw: object) -> np.ndarray:
    line = timeline()
    pcm = b"".join(render(line, cue, mixing=mixing, **kw))  # type: ignore[arg-type]
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def bed_of(level_db: float = 0.0) -> np.ndarray:
    line = timeline()
    with_music = rendered(Mixing(Hum(), RATE, lambda: line.length, level_db))
    return with_music - rendered(None)


def level_db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768 + 1e-12)


def test_the_export_keeps_its_length_and_the_voice_is_untouched_by_the_bed() -> None:
    line = timeline()
    assert len(rendered(Mixing(Hum(), RATE, lambda: line.length))) == line.length


def test_the_music_is_ducked_under_every_cue_and_tone_and_up_in_the_silences() -> None:
    line = timeline()
    bed = bed_of()
    up = level_db(bed[int(9 * RATE) : int(12 * RATE)])  # the middle of the long silence
    for event in line.events:
        if event.kind == "silence":
            continue
        under = level_db(bed[event.start : event.end])
        assert up - under >= 10, (event.kind, up, under)
    # Down before the first sample of a cue: over the last 50 ms before it, already 9 dB down.
    speech = line.events[4]
    just_before = bed[speech.start - int(0.05 * RATE) : speech.start]
    assert up - level_db(just_before) > 9
    # The short gap between two cues of one instruction stays down: no pumping.
    gap = line.events[5]
    assert up - level_db(bed[gap.start : gap.end]) >= 10
    # The bed sits BED_DB under the hum in the silences.
    assert up == pytest.approx(20 * np.log10(HUM / np.sqrt(2)) + mix.BED_DB, abs=0.5)


def test_music_level_moves_the_bed_and_keeps_the_ducking() -> None:
    quiet, loud = bed_of(-6.0), bed_of(6.0)
    middle = slice(int(9 * RATE), int(12 * RATE))
    assert level_db(loud[middle]) - level_db(quiet[middle]) == pytest.approx(12, abs=0.3)


def test_the_music_fades_in_from_nothing_and_out_to_nothing() -> None:
    bed = bed_of()
    assert np.max(np.abs(bed[:20])) < 2
    assert np.max(np.abs(bed[-20:])) < 2
    tail = timeline().length - int(mix.FADE_OUT_S * RATE)
    assert level_db(bed[tail - RATE : tail]) - level_db(bed[-RATE // 2 :]) > 6


@pytest.mark.parametrize("block", [1000, 4410, 22050])
def test_the_same_samples_whatever_the_blocks(block: int) -> None:
    """Play renders in small flushed blocks from a growing plan, export in large ones: the
    music under the voice must be the same samples either way."""
    line = timeline()
    whole = rendered(Mixing(Hum(), RATE, lambda: line.length))
    played = b"".join(
        render_events(
            iter(line.events), RATE, cue, block_samples=block, flush=True,
            mixing=Mixing(Hum(), RATE, lambda: line.length),
        )
    )  # fmt: skip
    assert np.array_equal(np.frombuffer(played, dtype="<i2"), whole)


def test_a_pause_holds_the_music_and_a_skip_does_not_jump_it() -> None:
    mixing = Mixing(Hum(), RATE, lambda: None)
    mixing.resume(0, 0)
    assert mixing.music_time(RATE) == RATE
    mixing.resume(2 * RATE, 2 * RATE)  # paused at 2 s, resumed there
    assert mixing.music_time(3 * RATE) == 3 * RATE
    mixing.resume(3 * RATE, 12 * RATE)  # skipped from 3 s to 12 s
    assert mixing.music_time(12 * RATE) == 3 * RATE  # the music goes on from 3 s of music
    assert mixing.title_at(12 * RATE) == "first"


def test_a_split_track_is_its_part_of_the_whole() -> None:
    line = timeline()
    whole = rendered(Mixing(Hum(), RATE, lambda: line.length))
    cut = 5 * RATE
    second = b"".join(
        render(line, cue, cut, line.length, mixing=Mixing(Hum(), RATE, lambda: line.length))
    )
    assert np.array_equal(np.frombuffer(second, dtype="<i2"), whole[cut:])


def test_duck_weight_is_smooth_and_bounded() -> None:
    weight = mix.duck_weight([Span(RATE, 2 * RATE)], 0, 4 * RATE, RATE)
    assert weight.min() == 0 and weight.max() == 1
    assert np.max(np.abs(np.diff(weight))) < 3 / (mix.DUCK_DOWN_S * RATE)
    assert weight[RATE - round(mix.DUCK_DOWN_S * RATE) - 1] == 0
    assert weight[RATE] == 1 and weight[2 * RATE + round(mix.DUCK_HANG_S * RATE) - 1] == 1


class Spikes(Hum):
    """A quiet track with full-scale clicks, as levelling by loudness turns it up 20 dB."""

    def read(self, at: int, count: int) -> np.ndarray:
        out = np.zeros(count, dtype=np.float32)
        out[(np.arange(at, at + count) % 2000) < 40] = 10.0
        return out


def test_music_with_wild_peaks_cannot_push_the_sum_past_the_voice_ceiling() -> None:
    line = timeline()
    mixed = rendered(Mixing(Spikes(), RATE, lambda: line.length, 10.0)) / 32768
    voice = rendered(None) / 32768
    assert np.max(np.abs(mixed - voice)) <= mix.MUSIC_CEILING + 1e-4
    under = [e for e in line.events if e.kind != "silence"]
    for event in under:  # under a word the music is 14 dB lower still
        window = slice(event.start, event.end)
        assert np.max(np.abs((mixed - voice)[window])) <= mix.MUSIC_CEILING * 0.21


def test_a_render_left_running_after_a_skip_does_not_move_the_new_ones_place() -> None:
    """The player's old render may make one more block after a skip back; the new render's
    ducking and music time must not feel it."""
    line = timeline()
    mixing = Mixing(Hum(), RATE, lambda: line.length)
    mixing.resume(0, 15 * RATE)
    late = render_events(iter(line.events), RATE, cue, start=15 * RATE, mixing=mixing)
    next(late)
    mixing.resume(16 * RATE, 0)
    fresh = render_events(iter(line.events), RATE, cue, start=0, mixing=mixing)
    first = next(fresh)
    next(late, None)  # the old render runs on once
    rest = b"".join(fresh)
    whole = np.frombuffer(first + rest, dtype="<i2").astype(np.float64)
    again = Mixing(Hum(), RATE, lambda: line.length)
    again.resume(0, 15 * RATE)
    again.resume(16 * RATE, 0)
    expected = np.frombuffer(
        b"".join(render_events(iter(line.events), RATE, cue, start=0, mixing=again)), dtype="<i2"
    )
    assert np.array_equal(whole, expected)
