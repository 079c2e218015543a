"""The renderer puts every event at its sample, streams in bounded blocks, and refuses a cue
that does not fit the plan; the cache keeps cues whole and agrees across processes."""

from __future__ import annotations

import array
from pathlib import Path

import pytest
from support.fakes import RATE, FakeLengths, PlanFn

from voice_coach.audio.render import BLOCK_SAMPLES, RenderError, render, tone
from voice_coach.model import Timeline
from voice_coach.speech.base import VoiceInfo
from voice_coach.speech.cache import CueCache, cue_key
from voice_coach.speech.cues import CueSource


class FakeEngine:
    """Makes exact, countable audio: a text's cue is a constant level derived from its length."""

    name = "fake"
    sample_rate = RATE
    voice = "fake-voice"
    rate = 100

    def __init__(self, broken: bool = False) -> None:
        self.calls: list[str] = []
        self.broken = broken

    def problem(self) -> str | None:
        return None

    def synthesize(self, text: str) -> bytes:
        if self.broken:
            raise AssertionError("the engine was asked although the cue was cached")
        self.calls.append(text)
        samples = array.array("h", [1000 + len(text)] * FakeLengths()(text))
        return samples.tobytes()

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(self.voice, "Fake")]


def fake_cue(text: str) -> bytes:
    return array.array("h", [1000 + len(text)] * FakeLengths()(text)).tobytes()


def pcm_of(timeline: Timeline, **kwargs: int) -> array.array[int]:
    out = array.array("h")
    out.frombytes(b"".join(render(timeline, fake_cue, **kwargs)))
    return out


def test_every_event_is_where_the_plan_puts_it(plan_of: PlanFn) -> None:
    timeline = plan_of("disc-bulge", reps=3)
    audio = pcm_of(timeline)
    assert len(audio) == timeline.length
    for event in timeline.events:
        window = audio[event.start : event.end]
        if event.kind == "silence":
            assert not any(window), event
        elif event.kind == "speech":
            assert set(window) == {1000 + len(event.text or "")}, event
        else:
            assert max(window) > 3000 and window[0] == 0, event


def test_blocks_are_bounded_and_slices_match_the_whole(plan_of: PlanFn) -> None:
    timeline = plan_of("piriformis-release")
    blocks = list(render(timeline, fake_cue))
    assert max(len(b) for b in blocks) == BLOCK_SAMPLES * 2
    whole = pcm_of(timeline)
    chapter = timeline.chapters[0]
    start, stop = chapter.start + 12345, chapter.end - 999
    assert pcm_of(timeline, start=start, stop=stop) == whole[start:stop]


def test_a_cue_that_does_not_fit_the_plan_is_refused(plan_of: PlanFn) -> None:
    timeline = plan_of("pelvic-tilts")
    with pytest.raises(RenderError, match="samples but the plan gives it"):
        b"".join(render(timeline, lambda text: fake_cue(text) + b"\0\0"))


def test_tones_are_exact_soft_and_click_free() -> None:
    pcm = array.array("h")
    pcm.frombytes(tone("hold-start", 4410, RATE))
    assert len(pcm) == 4410
    assert abs(pcm[0]) < 50 and abs(pcm[-1]) < 400
    assert 4000 < max(pcm) < 8000  # about -13 dBFS peak: audible, not harsh


def test_cache_round_trip_and_first_writer_wins(tmp_path: Path) -> None:
    cache = CueCache(tmp_path)
    key = cue_key("fake", "v", 100, RATE, "Hello.")
    assert cache.get(key, RATE) is None
    first = b"\x01\x00" * 500
    assert cache.put(key, first, RATE) == first
    assert cache.put(key, b"\x02\x00" * 600, RATE) == first  # another process came second
    assert cache.get(key, RATE) == first
    assert list(tmp_path.iterdir()) == [cache.path(key)]  # no temporary file left behind


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "header"])
def test_a_broken_entry_is_detected_and_removed(tmp_path: Path, damage: str) -> None:
    cache = CueCache(tmp_path)
    key = cue_key("fake", "v", 100, RATE, "Hello.")
    cache.put(key, b"\x05\x01" * 800, RATE)
    path = cache.path(key)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-10] ^= 0xFF
    elif damage == "empty":
        data = bytearray()
    else:
        data[0:5] = b"XXXXX"
    path.write_bytes(bytes(data))
    assert cache.stats().broken == 1
    assert cache.get(key, RATE) is None
    assert not path.exists()


def test_cue_source_heals_the_cache_and_needs_no_engine_when_warm(tmp_path: Path) -> None:
    cache = CueCache(tmp_path)
    engine = FakeEngine()
    cold = CueSource(engine, cache)
    pcm = cold.pcm("Lie down.")
    assert engine.calls == ["Lie down."] and cold.synthesized == 1
    warm = CueSource(FakeEngine(broken=True), cache)  # a new process with no working engine
    assert warm.pcm("Lie down.") == pcm
    path = cache.path(cue_key("fake", "fake-voice", 100, RATE, "Lie down."))
    path.write_bytes(path.read_bytes()[:-7])  # torn by a crash
    healer = CueSource(engine, cache)
    assert healer.pcm("Lie down.") == pcm
    assert healer.synthesized == 1 and cache.stats().broken == 0


def test_cache_stats_and_clear(tmp_path: Path) -> None:
    source = CueSource(FakeEngine(), CueCache(tmp_path))
    for text in ("One.", "Two.", "Three."):
        source.pcm(text)
    stats = CueCache(tmp_path).stats()
    assert (stats.entries, stats.broken) == (3, 0)
    assert stats.seconds == pytest.approx(
        sum(FakeLengths()(t) for t in ("One.", "Two.", "Three.")) / RATE
    )
    assert CueCache(tmp_path).clear() == 3
    assert CueCache(tmp_path).stats().entries == 0
