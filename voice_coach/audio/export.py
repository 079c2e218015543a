"""Writing a rendered session to files: WAV, MP3 with ID3 tags and chapters, M4B (AAC in MP4,
the audiobook form Apple's players show chapters for), split tracks + m3u.

Every file goes through `files.replacing`, so an interrupted export leaves the old file or
nothing, never a torso. An export is the person's to give away, so its mode is the umask's
(`private=False`), unlike the files voice-coach keeps for itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mutagen import MutagenError
from mutagen.id3 import (
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TIT2,
    TPE1,
    TRCK,
    CTOCFlags,
    ID3NoHeaderError,
)

from voice_coach.audio.formats import ExportError, format_of
from voice_coach.audio.lametag import fix_end_padding
from voice_coach.audio.render import render
from voice_coach.audio.staged import publish, staged
from voice_coach.errors import FAULT_HINTS
from voice_coach.files import replacing, write_text
from voice_coach.model import Timeline

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing

MP3_BITRATE = "64k"
"""Mono speech at 22 kHz: 64 kbit/s is clear and keeps an hour under 30 MB."""
AAC_BITRATE = "64k"
"""Samples of silence an AAC encoder puts before the audio (ffmpeg's: one frame)."""
ARTIST = "voice-coach"
FFMPEG_HINT = "install it with: sudo apt-get install ffmpeg; WAV export works without it"


@dataclass(frozen=True)
class Tags:
    title: str
    album: str
    comment: str
    track: str | None = None


def ffmpeg_path() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise ExportError("ffmpeg is not installed; MP3 and M4B export need it", hint=FFMPEG_HINT)
    return found


def write_wav(path: Path, blocks: Iterable[bytes], sample_rate: int) -> None:
    with replacing(path, private=False) as temp, wave.open(str(temp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        for block in blocks:
            wav.writeframes(block)


def write_mp3(
    path: Path,
    blocks: Iterable[bytes],
    sample_rate: int,
    tags: Tags,
    chapters: Sequence[tuple[str, int, int]] = (),
) -> None:
    """Encode with ffmpeg from a pipe (streamed), then add ID3 tags and chapters with mutagen."""
    with replacing(path, private=False) as temp:
        codec = ["-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-f", "mp3"]
        written = _encode(path, temp, blocks, sample_rate, [], codec, "MP3")
        fix_end_padding(temp, written // 2)  # so decoders give back exactly the plan's samples
        _tag_mp3(temp, tags, chapters)


def write_m4b(
    path: Path,
    blocks: Iterable[bytes],
    sample_rate: int,
    tags: Tags,
    chapters: Sequence[tuple[str, int, int]] = (),
) -> None:
    """AAC in MP4 with the tags and a chapter track, in one ffmpeg run.

    AAC cannot start on the first sample: the encoder puts 1024 samples of silence
    first and pads the last frame to 1024. The file says so in its edit list (skip the priming,
    then play exactly the plan's samples); with the movie's timescale at the sample rate that
    list counts samples, not milliseconds, so a player that follows it (Apple's do) plays the
    plan sample for sample and every chapter starts where the plan says. Chapters (in
    samples) are relative to the audio after the priming."""
    with tempfile.TemporaryDirectory(prefix="voice-coach-") as folder:
        metadata = Path(folder) / "chapters.txt"
        metadata.write_text(_ffmetadata(tags, chapters, sample_rate), encoding="utf-8")
        inputs = ["-i", str(metadata), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        codec = ["-c:a", "aac", "-b:a", AAC_BITRATE, "-movie_timescale", str(sample_rate)]
        with replacing(path, private=False) as temp:
            codec += ["-movflags", "+faststart", "-f", "ipod"]
            _encode(path, temp, blocks, sample_rate, inputs, codec, "M4B")


def _ffmetadata(tags: Tags, chapters: Sequence[tuple[str, int, int]], rate: int) -> str:
    """ffmpeg's metadata file: the tags, then one [CHAPTER] a chapter, timed in samples."""

    def value(text: str) -> str:
        return re.sub(r"([=;#\\\n])", r"\\\1", text)

    lines = [";FFMETADATA1", f"title={value(tags.title)}", f"album={value(tags.album)}"]
    lines += [f"artist={ARTIST}", f"comment={value(tags.comment)}", "genre=Speech"]
    for title, start, end in chapters:
        lines += ["[CHAPTER]", f"TIMEBASE=1/{rate}", f"START={start}", f"END={end}"]
        lines.append(f"title={value(title)}")
    return "\n".join(lines) + "\n"


def _encode(
    path: Path,
    temp: Path,
    blocks: Iterable[bytes],
    sample_rate: int,
    inputs: list[str],
    codec: list[str],
    name: str,
) -> int:
    """Stream the blocks through ffmpeg into `temp`; the bytes of audio written."""
    raw = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]
    command = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", *raw, *inputs, *codec]
    process = subprocess.Popen(
        [*command, "-y", str(temp)], stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stderr is not None
    written = 0
    try:
        for block in blocks:
            process.stdin.write(block)
            written += len(block)
        process.stdin.close()
    except BrokenPipeError:
        pass
    except BaseException:
        process.kill()
        process.wait()
        raise
    error = process.stderr.read().decode("utf-8", "replace").strip()
    if process.wait() != 0:
        last = error.splitlines()[-1] if error else f"exit status {process.returncode}"
        raise_os_fault(last, path)
        raise ExportError(f"ffmpeg could not encode the {name}: {last}", where=str(path))
    return written


def raise_os_fault(message: str, path: Path) -> None:
    """ffmpeg met a fault the user can fix (a full disk, a read-only folder): say it as such,
    naming the file the user asked for, not ffmpeg's temporary one."""
    for code in FAULT_HINTS:
        if os.strerror(code) in message:
            raise OSError(code, os.strerror(code), str(path))


class _ChaptersInOrder(ID3):  # type: ignore[misc]
    """mutagen writes frames smallest first, which shuffles the CHAP frames; players that read
    chapters in file order (ffprobe among them) then list the exercises out of order. Here the
    text frames come first, then the table of contents, then the chapters by start time."""

    def _write(self, config: Any) -> bytearray:
        from mutagen.id3._tags import save_frame

        def key(frame: Any) -> tuple[int, int, str]:
            if frame.FrameID == "CHAP":
                return (2, frame.start_time, frame.HashKey)
            return (1 if frame.FrameID == "CTOC" else 0, 0, frame.HashKey)

        frames = sorted(self.values(), key=key)
        return bytearray().join(save_frame(frame, config=config) for frame in frames)


def _tag_mp3(path: Path, tags: Tags, chapters: Sequence[tuple[str, int, int]]) -> None:
    try:
        id3 = _ChaptersInOrder(str(path))
    except ID3NoHeaderError:
        id3 = _ChaptersInOrder()
    id3.delall("TSSE")
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=ARTIST))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.track:
        id3.add(TRCK(encoding=3, text=tags.track))
    if chapters:
        ids = [f"chp{i}" for i in range(len(chapters))]
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=tags.title)],
            )
        )
        for element, (title, start_ms, end_ms) in zip(ids, chapters, strict=True):
            id3.add(
                CHAP(
                    element_id=element,
                    start_time=start_ms,
                    end_time=end_ms,
                    sub_frames=[TIT2(encoding=3, text=title)],
                )
            )
    try:
        id3.save(str(path), v2_version=3)
    except MutagenError as exc:  # mutagen wraps a full disk in its own error: unwrap it
        fault = next((a for a in exc.args if isinstance(a, OSError)), None)
        if fault is None:
            raise
        raise fault from exc


def _milliseconds(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def export_file(
    timeline: Timeline,
    cue: Callable[[str], bytes],
    path: Path,
    tags: Tags,
    progress: Callable[[int], None] | None = None,
    mixing: Mixing | None = None,
) -> None:
    """The whole session as one file; an MP3 or M4B gets one chapter per exercise. `mixing`:
    the person's music under it (the same length, the chapters where they were)."""
    blocks = _counted(render(timeline, cue, mixing=mixing), progress)
    fmt = format_of(path)
    if fmt == "wav":
        write_wav(path, blocks, timeline.sample_rate)
        return
    rate = timeline.sample_rate
    if fmt == "m4b":
        in_samples = [(c.title, c.start, c.end) for c in timeline.chapters]
        write_m4b(path, blocks, rate, tags, in_samples)
        return
    chapters = [
        (c.title, _milliseconds(c.start, rate), _milliseconds(c.end, rate))
        for c in timeline.chapters
    ]
    write_mp3(path, blocks, rate, tags, chapters)


def track_name(number: int, title: str, fmt: str) -> str:
    safe = re.sub(r"[^\w\- ]+", "", title).strip() or "track"
    return f"{number:02d} - {safe}.{fmt}"


def export_split(
    timeline: Timeline,
    cue: Callable[[str], bytes],
    folder: Path,
    fmt: str,
    tags: Tags,
    progress: Callable[[int], None] | None = None,
    mixing: Mixing | None = None,
) -> list[Path]:
    """One tagged track per exercise, then an .m3u playlist of them: all of them, or, when
    anything fails, none (the folder as it was; see audio.staged)."""
    if fmt == "mp3":
        ffmpeg_path()  # fail before writing anything
    total = len(timeline.chapters)
    names = []
    lines = ["#EXTM3U", f"#PLAYLIST:{tags.title}"]
    with staged(folder) as stage:
        for number, chapter in enumerate(timeline.chapters, 1):
            path = stage / track_name(number, chapter.title, fmt)
            span = render(timeline, cue, chapter.start, chapter.end, mixing=mixing)
            blocks = _counted(span, progress)
            if fmt == "wav":
                write_wav(path, blocks, timeline.sample_rate)
            else:
                track = Tags(chapter.title, tags.album, tags.comment, f"{number}/{total}")
                write_mp3(path, blocks, timeline.sample_rate, track)
            names.append(path.name)
            seconds = round((chapter.end - chapter.start) / timeline.sample_rate)
            lines += [f"#EXTINF:{seconds},{ARTIST} - {chapter.title}", path.name]
        names.append(f"{_slug(tags.title)}.m3u")
        write_text(stage / names[-1], "\n".join(lines) + "\n", private=False)
        publish(stage, names)
    return [folder / name for name in names]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "session"


def _counted(blocks: Iterable[bytes], progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for block in blocks:
        if progress:
            progress(len(block) // 2)
        yield block
