"""The music bed: the person's own files, found, levelled, crossfaded and looped, read ahead in
a thread, the same samples whatever the reads (real ffmpeg, tiny generated files)."""

from __future__ import annotations

import itertools
import os
import re
import stat
import subprocess
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from voice_coach.audio import music
from voice_coach.audio.music import MusicBed, find_tracks
from voice_coach.errors import UserError

RATE = 8000
"""The bed's rate in most tests: small, so decoding costs little."""


def tone(
    path: Path,
    frequency: float = 440.0,
    seconds: float = 2.0,
    *,
    db: float = 0.0,
    rate: int = RATE,
    **tags: str,
) -> Path:
    """A sine file made by ffmpeg (its format from the suffix), `db` louder than ffmpeg's own
    sine (1/8 of full scale: about -21 LUFS at 1 kHz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    source = f"sine=frequency={frequency}:duration={seconds}:sample_rate={rate}"
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source]
    subprocess.run([*command, "-af", f"volume={db}dB", *metadata, str(path)], check=True)
    return path


def silence(path: Path, seconds: float = 2.0) -> Path:
    source = f"anullsrc=channel_layout=mono:sample_rate={RATE}"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", str(seconds), str(path)],
        check=True,
    )
    return path


RAW_IN = ["ffmpeg", "-nostats", "-hide_banner", "-f", "f32le", "-ac", "1"]


def lufs(samples: np.ndarray[Any, Any], rate: int) -> float:
    """Integrated loudness of float samples, by ffmpeg's own BS.1770 meter."""
    meter = ["-af", "ebur128=framelog=verbose", "-f", "null", "-"]
    done = subprocess.run(
        [*RAW_IN, "-ar", str(rate), "-i", "pipe:0", *meter],
        input=samples.astype("<f4").tobytes(),
        capture_output=True,
        check=True,
    )
    found = re.findall(r"I:\s+(\S+) LUFS", done.stderr.decode())
    return float(found[0])


def db(samples: np.ndarray[Any, Any]) -> float:
    return float(10 * np.log10(np.mean(np.square(samples, dtype=np.float64)) + 1e-20))


def bits(samples: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Samples as their bit patterns: equal means equal to the bit (-0.0 is not 0.0)."""
    return samples.view(np.uint32)


def titles(bed: MusicBed, seconds: float, step: float = 0.1) -> list[str | None]:
    """The titles heard, in order, each run of one title counted once."""
    seen: list[str | None] = []
    for i in range(int(seconds / step)):
        title = bed.title_at(int(i * step * RATE))
        if not seen or seen[-1] != title:
            seen.append(title)
    return seen


def bounded(call: Callable[[], object], seconds: float) -> object:
    """`call()`, failing the test (not hanging it) when it takes longer than `seconds`."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if errors:
        raise errors[0]
    return result[0]


def children(name: str = "ffmpeg") -> list[tuple[int, str]]:
    """This process's child processes called `name`, with their state (Z: a zombie)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        state, parent = text[text.rindex(")") + 2 :].split()[:2]
        if int(parent) == os.getpid() and comm == name:
            found.append((int(entry.name), state))
    return found


# -- finding the tracks (no ffmpeg) ---------------------------------------------------------


def test_a_folder_gives_its_music_files_sorted_two_levels_down_without_hidden_ones_or_links(
    tmp_path: Path,
) -> None:
    root = tmp_path / "music"
    for name in [
        "b.mp3",
        "A.flac",
        "album/01 first.ogg",
        "album/disc 2/01.m4a",
        "album/disc 2/deeper/too deep.mp3",
        ".hidden.mp3",
        ".hidden folder/x.mp3",
        "notes.txt",
        "cover.jpg",
        "LOUD.MP3",
    ]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    (root / "link.mp3").symlink_to(root / "b.mp3")
    (root / "linked album").symlink_to(root / "album")
    os.mkfifo(root / "pipe.mp3")
    warned: list[str] = []
    found = find_tracks(root, warned.append)
    assert [str(path.relative_to(root)) for path in found] == [
        "A.flac",
        "LOUD.MP3",
        "album/01 first.ogg",
        "album/disc 2/01.m4a",
        "b.mp3",
    ]
    assert warned == []


def test_a_folder_gives_at_most_a_thousand_tracks_and_says_so_once(tmp_path: Path) -> None:
    for i in range(1005):
        (tmp_path / f"t{1004 - i:04d}.mp3").write_bytes(b"x")
    warned: list[str] = []
    found = find_tracks(tmp_path, warned.append)
    assert len(found) == 1000
    assert found[0].name == "t0000.mp3" and found[-1].name == "t0999.mp3"
    assert len(warned) == 1 and "1005" in warned[0] and "first 1000" in warned[0]
    with pytest.warns(music.MusicWarning, match="first 1000"):  # no warn given: not printed
        find_tracks(tmp_path)


@pytest.mark.parametrize("case", ["missing", "no music", "fifo", "device"])
def test_a_source_with_no_music_is_one_clear_user_error(tmp_path: Path, case: str) -> None:
    source = tmp_path / "music"
    if case == "no music":
        source.mkdir()
        (source / "readme.txt").write_text("no music here")
        (source / ".secret.mp3").write_bytes(b"x")
    elif case == "fifo":
        os.mkfifo(source)
    elif case == "device":
        source = Path("/dev/zero")
    with pytest.raises(UserError) as caught:
        bounded(lambda: MusicBed(source, RATE), 5.0)
    text = str(caught.value)
    assert "\n" not in text and str(source) in text
    assert {
        "missing": "no such file or folder",
        "no music": "no music files",
        "fifo": "named pipe",
    }.get(case, "device") in text


@pytest.mark.ffmpeg  # needs it installed, but runs none
def test_describe_says_the_source_the_tracks_and_the_order(tmp_path: Path) -> None:
    for name in ["a.mp3", "b.flac"]:
        (tmp_path / name).write_bytes(b"x")
    bed = MusicBed(tmp_path, RATE, shuffle=True, seed=1)
    assert bed.describe() == {"source": str(tmp_path), "tracks": 2, "order": "shuffled"}
    assert MusicBed(tmp_path, RATE).describe()["order"] == "in order"
    assert children() == []  # describing decodes nothing
    bed.close()


# -- playing (real ffmpeg) ------------------------------------------------------------------


@pytest.mark.ffmpeg
def test_tracks_play_in_order_round_and_round(tmp_path: Path) -> None:
    for i in range(4):
        tone(tmp_path / f"{i}.flac", 300 + 50 * i, 1.5, title=f"T{i}", artist="Band")
    with MusicBed(tmp_path, RATE, crossfade_s=0.25) as bed:
        bed.read(0, 12 * RATE)
        heard = titles(bed, 12)
    assert heard[:9] == [f"Band \u2013 T{i % 4}" for i in range(9)]


@pytest.mark.ffmpeg
def test_shuffled_is_a_new_order_each_round_and_the_same_for_the_same_seed(
    tmp_path: Path,
) -> None:
    for i in range(4):
        tone(tmp_path / f"T{i}.wav", 300 + 50 * i, 1.5)  # no tags: titled by name

    def heard(seed: int) -> list[str | None]:
        with MusicBed(tmp_path, RATE, shuffle=True, seed=seed, crossfade_s=0.25) as bed:
            bed.read(0, 20 * RATE)
            return titles(bed, 20)[:12]

    first, again, other = heard(3), heard(3), heard(4)
    assert first == again
    assert first != other
    rounds = [first[i : i + 4] for i in range(0, 12, 4)]
    assert all(sorted(map(str, one)) == ["T0", "T1", "T2", "T3"] for one in rounds)
    assert len({tuple(one) for one in rounds}) > 1  # reshuffled each round
    assert all(one[-1] != after[0] for one, after in itertools.pairwise(rounds))  # not twice


@pytest.mark.ffmpeg
def test_a_quiet_and_a_loud_track_come_out_at_the_same_loudness(tmp_path: Path) -> None:
    # ffmpeg's 1 kHz sine is about -21 LUFS: these are about -30 and -10 LUFS.
    quiet = tone(tmp_path / "quiet.flac", 1000, 3, db=-9, rate=48000)
    loud = tone(tmp_path / "loud.mp3", 1000, 3, db=11, rate=48000)
    assert lufs(music_of(quiet), 22050) == pytest.approx(-30, abs=0.5)  # really that quiet
    levels = []
    for source in (quiet, loud):
        with MusicBed(source, 22050, crossfade_s=0.5) as bed:
            levels.append(lufs(bed.read(0, 22050 * 6), 22050))
    assert abs(levels[0] - levels[1]) < 1.0
    assert levels[0] == pytest.approx(music.TARGET_LUFS, abs=1.0)


def music_of(path: Path) -> np.ndarray[Any, Any]:
    """A file as plain ffmpeg decodes it, mono at 22050 Hz, not levelled."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "22050", "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<f4")


@pytest.mark.ffmpeg
def test_a_very_quiet_track_is_raised_by_twenty_db_at_most(tmp_path: Path) -> None:
    faint = tone(tmp_path / "faint.flac", 1000, 3, db=-24)  # about -45 LUFS
    with MusicBed(faint, RATE, crossfade_s=0.5) as bed:
        assert lufs(bed.read(0, RATE * 4), RATE) == pytest.approx(-25, abs=1.0)


@pytest.mark.ffmpeg
def test_the_crossfade_has_no_click_keeps_the_power_and_every_read_is_exact(
    tmp_path: Path,
) -> None:
    # Each ends on its peak after 2 s: a cut there would jump by the whole amplitude.
    tone(tmp_path / "a.wav", 55.125, 2.0)
    tone(tmp_path / "b.wav", 82.625, 2.0)
    out = []
    with MusicBed(tmp_path, RATE, crossfade_s=0.5) as bed:
        for size in [1, 999, 4000, 8000, 12345, 20000, 3]:
            got = bed.read(sum(map(len, out)), size)
            assert got.dtype == np.float32 and len(got) == size
            out.append(got)
    audio = np.concatenate(out)
    assert len(audio) == 45348
    peak = float(np.max(np.abs(audio)))
    slope = 2 * np.pi * 82.625 / RATE * peak  # the steepest a sine of that peak goes
    assert float(np.max(np.abs(np.diff(audio)))) < 1.6 * slope
    # Equal power: no dip between the two tracks' own levels (a linear fade dips 3 dB).
    alone = [db(audio[RATE // 4 : RATE]), db(audio[2 * RATE + RATE // 4 : 3 * RATE])]
    windows = [db(audio[i : i + RATE // 10]) for i in range(0, len(audio) - RATE // 10, RATE // 10)]
    assert min(alone) - 1.0 < min(windows) and max(windows) < max(alone) + 1.0


@pytest.mark.ffmpeg
@pytest.mark.parametrize(("seconds", "crossfade", "period"), [(1.5, 2.0, 6000), (3.0, 0.5, 20000)])
def test_a_single_track_loops_onto_itself_with_a_crossfade(
    tmp_path: Path, seconds: float, crossfade: float, period: int
) -> None:
    """A track shorter than two crossfades overlaps itself by half its length."""
    only = tone(tmp_path / "loop.ogg", 220, seconds)
    with MusicBed(only, RATE, crossfade_s=crossfade) as bed:
        audio = bed.read(0, 12 * RATE)
        assert not bed.empty
    start = int(seconds * RATE) - period  # the first crossfade
    loops = [audio[i : i + period] for i in range(start, len(audio) - period, period)]
    assert len(loops) >= 3
    assert all(np.array_equal(bits(loops[0]), bits(one)) for one in loops[1:])
    windows = [db(audio[i : i + RATE // 20]) for i in range(0, len(audio), RATE // 20)]
    assert min(windows) > -30  # never a gap


@pytest.mark.ffmpeg
def test_reading_back_after_reading_ahead_gives_the_same_samples(tmp_path: Path) -> None:
    for i in range(3):
        tone(tmp_path / f"{i}.flac", 200 + 100 * i, 2.5)
    with MusicBed(tmp_path, RATE, crossfade_s=0.5) as bed:
        first = bed.read(0, 10 * RATE)
        bed.read(10 * RATE, 10 * RATE)
        again = bed.read(7 * RATE, 3 * RATE)  # a pause: the player asks from earlier
        assert np.array_equal(bits(again), bits(first[7 * RATE :]))
        for second in range(20, 70):  # past what is kept...
            bed.read(second * RATE, RATE)
        assert np.array_equal(bits(bed.read(0, 10 * RATE)), bits(first))  # ...restarts exactly


@pytest.mark.ffmpeg
@pytest.mark.parametrize(
    "reads",
    [
        [(0, 30 * RATE)],
        [(i, 1) for i in range(5)] + [(5, 777), (782, 12345), (13127, 30 * RATE - 13127)],
        [(15 * RATE, 15 * RATE), (0, 15 * RATE)],
        [(0, 29 * RATE), (3 * RATE, 20), (29 * RATE, RATE)],
    ],
    ids=["one read", "odd sizes", "ahead first", "back and on"],
)
def test_the_same_source_and_seed_give_the_same_bits_whatever_the_reads(
    tmp_path: Path, reads: list[tuple[int, int]]
) -> None:
    tone(tmp_path / "a.mp3", 300, 2.0)
    tone(tmp_path / "b.flac", 400, 3.0)
    tone(tmp_path / "c" / "c.ogg", 500, 2.5)
    with MusicBed(tmp_path, RATE, shuffle=True, seed=7, crossfade_s=0.5) as bed:
        reference = bed.read(0, 30 * RATE)
    assert db(reference) > -30
    with MusicBed(tmp_path, RATE, shuffle=True, seed=7, crossfade_s=0.5) as bed:
        audio = np.zeros(30 * RATE, dtype=np.float32)
        for at, count in reads:
            audio[at : at + count] = bed.read(at, count)
    assert np.array_equal(bits(audio), bits(reference))


@pytest.mark.ffmpeg
def test_files_that_cannot_be_played_are_said_once_each_and_left_out(tmp_path: Path) -> None:
    tone(tmp_path / "good.flac", 300, 2.0, title="Good")
    (tmp_path / "text.mp3").write_text("not music at all\n" * 20)
    whole = tone(tmp_path / "whole.flac", 400, 2.0)
    (tmp_path / "truncated.flac").write_bytes(whole.read_bytes()[:120])
    whole.unlink()
    silence(tmp_path / "silent.wav")
    tone(tmp_path / "tiny.wav", 500, 0.3)
    tone(tmp_path / "later.wav", 600, 2.0, title="Later")
    warned: list[str] = []
    with MusicBed(tmp_path, RATE, crossfade_s=0.5, warn=warned.append) as bed:
        # Swapped for a link after the folder was read: not followed either.
        (tmp_path / "later.wav").unlink()
        (tmp_path / "later.wav").symlink_to(tmp_path / "good.flac")
        assert not bed.empty
        audio = bed.read(0, 20 * RATE)  # five times round
        heard = set(titles(bed, 20))
    assert heard == {"Good"}
    assert db(audio) > -30
    # The first few named one by one, the rest in one line.
    assert len(warned) == music.NOTES_MOST + 1, warned
    assert warned[-1] == "music: more files cannot be played; they are left out too"
    for line in warned[:-1]:
        assert line.startswith("music: ") and line.endswith("it is left out")
        assert "\n" not in line and "Traceback" not in line
    assert "silent" in next(line for line in warned if "silent.wav" in line)
    assert "link" in next(line for line in warned if "later.wav" in line)


@pytest.mark.ffmpeg
@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_that_may_not_be_read_is_left_out(tmp_path: Path) -> None:
    tone(tmp_path / "good.flac", 300, 2.0)
    locked = tone(tmp_path / "locked.flac", 300, 2.0)
    locked.chmod(0)
    warned: list[str] = []
    with MusicBed(tmp_path, RATE, warn=warned.append) as bed:
        bed.read(0, 8 * RATE)
    assert warned == ["music: cannot read locked.flac (permission denied); it is left out"]


@pytest.mark.ffmpeg
@pytest.mark.parametrize("given", ["file", "folder"])
def test_nothing_playable_makes_the_bed_empty_and_says_so_once(tmp_path: Path, given: str) -> None:
    (tmp_path / "fake.mp3").write_text("this is a text file\n" * 50)
    if given == "folder":
        (tmp_path / "other.ogg").write_bytes(b"OggS" + bytes(300))
    warned: list[str] = []
    source = tmp_path / "fake.mp3" if given == "file" else tmp_path
    with MusicBed(source, RATE, warn=warned.append) as bed:
        assert bounded(lambda: bed.empty, 10.0) is True
        audio = bed.read(5, 1234)
        assert len(audio) == 1234 and not audio.any()
        assert bed.title_at(0) is None
    # A file given: one line, with why. A folder: each file's line, then one for the folder.
    assert len(warned) == (1 if given == "file" else 3)
    assert sum("plays without music" in line for line in warned) == 1
    if given == "file":
        assert "fake.mp3 (ffmpeg cannot read it as audio)" in warned[0]
    assert warned[-1].endswith("the session plays without music")


@pytest.mark.ffmpeg
def test_a_playlist_dressed_as_music_cannot_make_ffmpeg_read_another_file(tmp_path: Path) -> None:
    """An HLS playlist called .mp3 naming a file elsewhere: plain ffmpeg plays that file."""
    elsewhere = tone(tmp_path / "elsewhere" / "seg.flac", 300, 3.0)
    aac = ["-c:a", "aac", "-f", "adts", str(elsewhere.with_suffix(".aac"))]
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(elsewhere), *aac], check=True)
    playlist = tmp_path / "music" / "playlist.mp3"
    playlist.parent.mkdir()
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n../elsewhere/seg.aac\n#EXT-X-ENDLIST\n"
    )
    plain = ["ffmpeg", "-v", "error", "-protocol_whitelist", "file", "-i", str(playlist)]
    assert subprocess.run([*plain, "-f", "f32le", "-"], capture_output=True).stdout  # the danger
    warned: list[str] = []
    with MusicBed(playlist, RATE, warn=warned.append) as bed:
        assert bed.empty
    (said,) = warned
    assert said.startswith("music: cannot play ")  # the long path shown shortened
    assert said.endswith(
        "playlist.mp3 (not a music format voice-coach plays); the session plays without music"
    )


@pytest.mark.ffmpeg
def test_a_named_pipe_in_the_folder_is_not_opened(tmp_path: Path) -> None:
    tone(tmp_path / "good.wav", 300, 2.0)
    os.mkfifo(tmp_path / "pipe.mp3")
    with MusicBed(tmp_path, RATE) as bed:
        audio = bounded(lambda: bed.read(0, 5 * RATE), 10.0)
        assert db(audio) > -30  # type: ignore[arg-type]


@pytest.mark.ffmpeg
def test_an_ffmpeg_that_says_nothing_is_stopped_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging_ffmpeg(tmp_path, monkeypatch)
    monkeypatch.setattr(music, "STALL_S", 0.3)
    (tmp_path / "a.mp3").write_bytes(b"x" * 100)
    warned: list[str] = []
    with MusicBed(tmp_path / "a.mp3", RATE, warn=warned.append) as bed:
        assert bounded(lambda: bed.empty, 5.0) is True
    said = (
        f"music: cannot play {tmp_path / 'a.mp3'} (nothing came from it for 0.3 s); "
        "the session plays without music"
    )
    assert warned == [said]
    assert children("sleep") == []


def hanging_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An "ffmpeg" first on the PATH that never says anything."""
    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(stat.S_IRWXU)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")


@pytest.mark.ffmpeg
def test_close_while_a_file_is_being_measured_stops_it_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging_ffmpeg(tmp_path, monkeypatch)
    monkeypatch.setattr(music, "_audio_decoders", lambda ffmpeg: "")
    (tmp_path / "a.mp3").write_bytes(b"x" * 100)
    warned: list[str] = []
    bed = MusicBed(tmp_path / "a.mp3", RATE, warn=warned.append)
    waiting = threading.Thread(target=lambda: bed.empty, daemon=True)
    waiting.start()
    deadline = time.monotonic() + 5
    while not children("sleep") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert children("sleep"), "the measuring run started"
    started = time.monotonic()
    bed.close()
    waiting.join(2.0)
    assert time.monotonic() - started < 2.0 and not waiting.is_alive()
    assert children("sleep") == []
    assert warned == []  # stopped by close: nothing wrong with the file


@pytest.mark.ffmpeg
def test_close_ends_every_ffmpeg_and_leaves_no_zombie(tmp_path: Path) -> None:
    long = tone(tmp_path / "long.flac", 300, 60.0)
    bed = MusicBed(long, RATE)
    bed.read(0, RATE)
    assert children(), "a track longer than the read-ahead keeps its ffmpeg running"
    started = time.monotonic()
    bed.close()
    assert time.monotonic() - started < 2.0
    assert children() == []
    assert not bed.read(RATE, 100).any()  # closed: silence, no new ffmpeg
    assert children() == []


@pytest.mark.ffmpeg
def test_the_next_track_is_measured_and_decoded_ahead_of_the_reads(tmp_path: Path) -> None:
    """A live player never waits at a track boundary: soon after one second is read, the
    read-ahead holds the next twenty (white box: the thread's own count)."""
    for i in range(3):
        tone(tmp_path / f"{i}.flac", 300 + 100 * i, 4.0)
    with MusicBed(tmp_path, RATE, crossfade_s=0.5) as bed:
        bed.read(0, RATE)
        deadline = time.monotonic() + 10
        while bed._produced < music.AHEAD_S * RATE and time.monotonic() < deadline:
            time.sleep(0.02)
        assert bed._produced >= music.AHEAD_S * RATE  # across four track boundaries


@pytest.mark.ffmpeg
@pytest.mark.parametrize(("seconds", "what"), [(2.0, "a short loop"), (240.0, "a long track")])
def test_memory_stays_flat_for_ten_minutes(tmp_path: Path, seconds: float, what: str) -> None:
    source = tone(tmp_path / "m.flac", 300, seconds)
    step = RATE // 2
    with MusicBed(source, RATE, crossfade_s=0.5) as bed:
        tracemalloc.start()
        try:
            for at in range(0, 60 * RATE, step):
                bed.read(at, step)
            warm, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            for at in range(60 * RATE, 600 * RATE, step):
                bed.read(at, step)
            now, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4_000_000, what  # the kept window (1.7 MB at this rate) and blocks in flight
    assert peak - warm < 1_000_000, what  # flat: nothing grows with the minutes
    assert now - warm < 200_000, what


@pytest.mark.ffmpeg
def test_titles_come_from_tags_else_the_name_and_are_safe_to_show(tmp_path: Path) -> None:
    tone(tmp_path / "1.flac", 300, 1.5, artist="The\x1b[31m Band", title="Song\nTwo" + "x" * 200)
    tone(tmp_path / "2 no tags \u202e.wav", 300, 1.5)
    with MusicBed(tmp_path, RATE, crossfade_s=0.25) as bed:
        bed.read(0, 4 * RATE)
        first, second = bed.title_at(RATE // 2), bed.title_at(2 * RATE)
    assert first is not None and second is not None
    assert first.startswith("The [31m Band \u2013 Song Two") and len(first) <= 81
    assert second == "2 no tags"
    assert all(char.isprintable() for char in first + second)
