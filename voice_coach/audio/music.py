"""The music bed: the person's own music as one endless, levelled stream of float32 mono samples.

A `MusicBed` takes a file or a folder of music and gives back any stretch of "music time"
(samples counted from 0 at the bed's sample rate) on demand: `read(at, count)`. Behind it:

- **Tracks** are the folder's regular audio-looking files (and those in its subfolders, two
  levels down), sorted by path, hidden names and links left out, at most `MAX_TRACKS`. They
  play in that order or shuffled (`random.Random(seed)`, reshuffled every time round).
- **Decoding is streamed**: one `ffmpeg` a track writes float32 mono at the bed's rate into a
  pipe, read a block at a time, so memory stays flat however long the session. Files are
  untrusted: ffmpeg may read only the file itself (`-protocol_whitelist file`), only through
  the demuxers of audio formats (`-format_whitelist`: no playlist, concat, HLS or image
  sequence, which could name other files), only with audio decoders (`-codec_whitelist`: cover
  art and video streams are never decoded), with no single allocation above `MAX_ALLOC`; a
  run that writes nothing for `STALL_S` is stopped and the file counts as unreadable.
- **Levelled**: each track's integrated loudness (BS.1770, ffmpeg's `ebur128` meter) is
  measured on the very samples the bed plays, once a (path, size, mtime), and its gain brings
  it to `TARGET_LUFS` (never more than `MAX_GAIN_DB` up). A silent track is left out. Samples
  are not clipped: a quiet track with loud peaks may go past 1.0 (the mixer turns the bed down
  well below that).
- **Crossfaded**: each track overlaps the next by `crossfade_s` with an equal-power fade, or by
  half the shorter track's length when one is shorter than two crossfades; after the last
  track the first comes again (a single track loops onto itself).
- **Read ahead**: a thread of its own decodes up to `AHEAD_S` past the furthest read and keeps
  `BEHIND_S` of what was read, so a live player never waits at a track boundary and may ask
  again for a stretch it already had (after a pause or a skip). A read older than that
  restarts the stream from music time 0 (slow but exact); one far ahead waits for it.

The same source, order, seed and rate give the same samples, bit for bit, whatever the reads:
play and export hear the same music. A file that cannot be played is one warning line and is
left out; none playable makes the bed `empty` (the session plays without music).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import random
import re
import selectors
import shutil
import signal
import stat
import subprocess
import threading
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np
import numpy.typing as npt

from voice_coach.errors import UserError, clipped, inert, one_line
from voice_coach.files import KINDS

Samples = npt.NDArray[np.float32]

TARGET_LUFS = -16.0
"""Every track is brought to this integrated loudness (BS.1770), the podcasts' level."""
MAX_GAIN_DB = 20.0
"""A very quiet track is raised by at most this much (more would lift its noise floor)."""
SILENT_LUFS = -70.0
"""At or below this a track is silence (BS.1770's absolute gate) and is left out."""
NOTES_MOST = 3
"""Files left out that are named one by one; more are said in one line."""
GIVE_UP = 25
"""Files tried without one playing before the rest of a folder is given up on too."""
MAX_TRACKS = 1000
MAX_DEPTH = 2
"""Subfolders looked into below the folder given (an artist's album folders: two levels)."""
MAX_SCANNED = 100_000
"""Folder entries looked at, at most: a home folder given by mistake is not walked for ever."""
AUDIO_SUFFIXES = frozenset(
    {".mp3", ".mp2", ".flac", ".ogg", ".oga", ".opus", ".spx", ".m4a", ".m4b", ".mp4", ".aac"}
    | {".alac", ".wav", ".wave", ".w64", ".aif", ".aiff", ".aifc", ".caf", ".wma", ".asf", ".mka"}
    | {".webm", ".wv", ".ape", ".mpc", ".tta", ".au", ".snd", ".amr", ".ac3", ".eac3", ".dts"}
    | {".dsf", ".tak"}
)
"""What a music file is called; a file given directly may have any name."""
FORMATS = (
    "mp3,flac,ogg,mov,matroska,wav,w64,aiff,caf,asf,aac,ac3,eac3,wv,ape,mpc,mpc8,tta,au,amr,"
    "dts,dsf,tak,xwma"
)
"""ffmpeg's demuxers a music file may be read with: audio containers only. Not `hls`, `dash`,
`concat`, the playlists or `image2`, which open other files or URLs a file names; not `avi`,
whose embedded subtitles open a demuxer of their own. `mov` reads no external data reference
unless asked (`enable_drefs`), and nothing here asks."""
MAX_ALLOC = 64 << 20
"""ffmpeg's largest single allocation: a file claiming a huge frame or table is refused."""
STALL_S = 10.0
"""An ffmpeg run that writes nothing for this long is stopped: the file counts as unreadable."""
AHEAD_S = 20.0
"""Decoded past the furthest read: time enough to measure and start the next track."""
BEHIND_S = 30.0
"""Kept behind the furthest read: a player that read ahead may ask again from here."""
MIN_TRACK_S = 1.0
"""A track shorter than this is left out (it would be all crossfade, or an ffmpeg a second)."""
KEEP_SHORT_S = 10.0
"""A track at most this long is kept decoded once heard, so a short loop is not re-decoded..."""
KEEP_TOTAL_S = 30.0
"""...within this much audio in all."""
BLOCK = 8192
"""Samples the decoder reads and the read-ahead thread hands over at a time."""
PIECE_S = 5.0
"""A long read is served this much at a time (each piece stays inside the kept window)."""
TITLE_MOST = 80
SILENT = "silent"
DASH = " \u2013 "
"""Between a track's artist and its title (an en dash)."""


class _Unreadable(Exception):
    """This file cannot be played; the message says why, in a few words."""


class MusicWarning(UserWarning):
    """A line about the music (a file left out) when no `warn` was given: nothing below the
    command line prints, so by default it goes through Python's warnings."""


def _warning(line: str) -> None:
    warnings.warn(line, MusicWarning, stacklevel=3)


def find_tracks(source: Path, warn: Callable[[str], None] = _warning) -> list[Path]:
    """The music files of `source`: the file itself, or a folder's audio-looking files (see
    the module's docstring), sorted by path. A UserError (one line) when there is none: the
    source does not exist, is not a file or a folder, or holds no music file."""
    hint = "give a music file, or a folder of music files"
    where = inert(str(source))
    try:
        info = source.stat()  # the person's own path: a link they gave is theirs to give
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise UserError("there is no such file or folder", where=where, hint=hint) from None
        reason = (exc.strerror or "failed").lower()
        raise UserError(f"the music cannot be read: {reason}", where=where, hint=hint) from None
    if stat.S_ISREG(info.st_mode):
        return [source]
    if not stat.S_ISDIR(info.st_mode):
        kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
        raise UserError(f"this is {kind}, not a music file or folder", where=where, hint=hint)
    found: list[Path] = []
    scanned = 0
    folders: deque[tuple[Path, int]] = deque([(source, 0)])
    while folders:
        folder, depth = folders.popleft()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            if folder == source:
                reason = (exc.strerror or "cannot be read").lower()
                raise UserError(
                    f"the music folder cannot be read: {reason}", where=where, hint=hint
                ) from None
            why = (exc.strerror or "failed").lower()
            warn(f"music: cannot read the folder {_shown(folder, source)} ({why}); it is left out")
            continue
        for entry in listed:
            scanned += 1
            if scanned > MAX_SCANNED:
                break
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if depth < MAX_DEPTH:
                        folders.append((Path(entry.path), depth + 1))
                elif (
                    entry.is_file(follow_symlinks=False)
                    and Path(entry.name).suffix.lower() in AUDIO_SUFFIXES
                ):
                    found.append(Path(entry.path))
            except OSError:
                continue
        if scanned > MAX_SCANNED:
            shown = _shown(source, source)
            warn(f"music: {shown} holds more than {MAX_SCANNED} entries; only those were looked at")
            break
    if not found:
        raise UserError("no music files in this folder (or its subfolders)", where=where, hint=hint)
    found.sort(key=lambda path: path.parts)
    if len(found) > MAX_TRACKS:
        shown = _shown(source, source)
        warn(f"music: {shown} holds {len(found)} music files; the first {MAX_TRACKS} are played")
        del found[MAX_TRACKS:]
    return found


def _shown(path: Path, source: Path) -> str:
    """`path` as a warning line shows it: inside the folder given, from there; safe to print
    (see errors.inert); a long one keeps its end, where the file's name is."""
    try:
        text = str(path.relative_to(source)) if path != source else str(path)
    except ValueError:
        text = str(path)
    text = inert(text)
    return text if len(text) <= 80 else "…" + text[-79:]


def _clean(text: str) -> str:
    """A title as the screen may show it: no control or format characters (a tag's newline or
    escape sequence), no run of spaces, at most TITLE_MOST characters."""
    kept = "".join(char if char.isprintable() else " " for char in text)
    return clipped(" ".join(kept.split()), TITLE_MOST)


def title_of(path: Path) -> str:
    """ "artist \u2013 title" from the file's tags (mutagen's easy tags), else its name's stem."""
    try:
        import mutagen

        tags = mutagen.File(str(path), easy=True)
        found = tags.tags if tags is not None else None

        def first(key: str) -> str:
            values = found.get(key) if found is not None else None
            return _clean(str(values[0])) if values else ""

        artist, title = first("artist"), first("title")
    except Exception:  # a tag parser meeting an untrusted file: any failure means "no tags"
        artist = title = ""
    if title:
        return _clean(f"{artist}{DASH}{title}" if artist else title)
    return _clean(path.stem) or "music"


def _ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise UserError(
            "ffmpeg is not installed; music needs it",
            hint="install it with: sudo apt-get install ffmpeg, or play without --music",
        )
    return found


@functools.cache
def _audio_decoders(ffmpeg: str) -> str:
    """This ffmpeg's audio decoders, comma-separated (empty if it would not say)."""
    try:
        listed = subprocess.run(
            [ffmpeg, "-hide_banner", "-decoders"],
            capture_output=True,
            text=True,
            timeout=STALL_S,
            stdin=subprocess.DEVNULL,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    names = []
    for line in listed.split("------", 1)[-1].splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("A") and re.fullmatch(r"[\w-]+", parts[1]):
            names.append(parts[1])
    return ",".join(names)


def _reason(text: str, rc: int, path: Path) -> str:
    """A few words for why ffmpeg could not read a file, from what it said."""
    for needle, said in (
        ("Permission denied", "permission denied"),
        ("Format not on whitelist", "not a music format voice-coach plays"),
        ("matches no streams", "there is no audio in it"),
        ("No such file", "it is gone"),
        ("Invalid data found", "ffmpeg cannot read it as audio"),
        ("Invalid argument", "ffmpeg cannot read it as audio"),
    ):
        if needle in text:
            return said
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return f"ffmpeg stopped with status {rc}"
    last = lines[-1].replace(f"file:{path.absolute()}", "").strip(" :")
    return clipped(one_line(last), 60) or f"ffmpeg stopped with status {rc}"


class _Host(Protocol):
    """What an ffmpeg run reports to: the bed keeps every running process to end on close."""

    def _adopt(self, process: subprocess.Popen[bytes]) -> None: ...

    def _release(self, process: subprocess.Popen[bytes]) -> None: ...


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End an ffmpeg (and anything in its process group) that has not been waited for."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class _Run:
    """One ffmpeg run: its stdout read with a bound on silence, the tail of its stderr kept.

    It runs in a session of its own, so a Ctrl-C in the terminal reaches voice-coach (which
    closes the bed) and not ffmpeg mid-track."""

    def __init__(self, host: _Host, argv: list[str]) -> None:
        self._host = host
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            # Not FFREPORT, which would make ffmpeg write a log file where it runs.
            env={name: value for name, value in os.environ.items() if name != "FFREPORT"},
        )
        host._adopt(self.process)
        assert self.process.stdout is not None and self.process.stderr is not None
        self._out = self.process.stdout.fileno()
        self._err = self.process.stderr.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out, selectors.EVENT_READ)
        self._selector.register(self._err, selectors.EVENT_READ)
        self._said = bytearray()
        self._status: int | None = None
        self.ended = False
        """Its stdout has ended (or it was stopped)."""
        self.stalled = False
        """It was stopped for writing nothing for STALL_S."""

    def read(self, most: int) -> bytes:
        """Up to `most` bytes of its stdout; b"" at the end, or when nothing came for STALL_S
        (then `stalled`)."""
        deadline = time.monotonic() + STALL_S
        while not self.ended:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stalled = self.ended = True
                _kill(self.process)
                break
            for key, _ in self._selector.select(left):
                data = os.read(key.fd, most if key.fd == self._out else 65536)
                if key.fd == self._out:
                    if data:
                        return data
                    self.ended = True
                elif data:
                    self._said += data
                    del self._said[:-16384]
                else:
                    self._selector.unregister(self._err)
        return b""

    def said(self) -> str:
        return self._said.decode("utf-8", "replace")

    def finish(self) -> int:
        """Stop it if it is still writing, keep what it said, wait for it: its exit status."""
        if self._status is not None:
            return self._status
        if not self.ended:
            self.ended = True
            _kill(self.process)
        self._host._release(self.process)
        if self._out in self._selector.get_map():
            self._selector.unregister(self._out)
        deadline = time.monotonic() + 2.0
        try:
            while self._selector.get_map() and time.monotonic() < deadline:
                for key, _ in self._selector.select(deadline - time.monotonic()):
                    data = os.read(key.fd, 65536)
                    if data:
                        self._said += data
                        del self._said[:-16384]
                    else:
                        self._selector.unregister(key.fd)
        finally:
            self._selector.close()
        try:
            status = self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill(self.process)
            status = self.process.wait()
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        self.process.stderr.close()
        self._status = status
        return status

    @property
    def finished(self) -> bool:
        return self._status is not None


class _Source(Protocol):
    failure: str | None

    def read(self, count: int) -> Samples: ...

    def close(self) -> None: ...


class _Decoder:
    """A track decoded by ffmpeg as it is read, its gain applied."""

    def __init__(self, host: _Host, argv: list[str], gain: float, path: Path) -> None:
        self._run = _Run(host, argv)
        self._gain = np.float32(gain)
        self._path = path
        self._rest = b""
        self._got = 0
        self.failure: str | None = None
        """Why the track ended before its end (it stalled, or gave nothing at all)."""

    def read(self, count: int) -> Samples:
        """`count` samples, fewer only at the track's end."""
        buffer = bytearray(self._rest)
        while len(buffer) < 4 * count and not self._run.ended:
            buffer += self._run.read(min(4 * count - len(buffer), 1 << 16))
        take = min(len(buffer) // 4, count) * 4
        self._rest = bytes(buffer[take:])  # a part of a sample (dropped at the end)
        raw: Samples = np.frombuffer(bytes(buffer[:take]), dtype="<f4").astype(np.float32)
        self._got += len(raw)
        if self._run.ended and not self._run.finished:
            self._ended()
        # A float file may hold NaN, infinities or huge values: never pass them on.
        np.nan_to_num(raw, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        np.clip(raw, -4.0, 4.0, out=raw)
        raw *= self._gain
        return raw

    def _ended(self) -> None:
        status = self._run.finish()
        if self._run.stalled:
            self.failure = f"nothing came from it for {STALL_S:g} s"
        elif status != 0 and self._got == 0:
            self.failure = _reason(self._run.said(), status, self._path)

    def close(self) -> None:
        self._run.finish()


class _Kept:
    """A short track, kept decoded: read again without ffmpeg."""

    failure: str | None = None

    def __init__(self, samples: Samples) -> None:
        self._samples = samples
        self._at = 0

    def read(self, count: int) -> Samples:
        out = self._samples[self._at : self._at + count]
        self._at += len(out)
        return out

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class _Mark:
    """From here on, this track's samples dominate."""

    title: str


EMPTY: Samples = np.zeros(0, dtype=np.float32)
_END = _Mark("")
"""The stream has ended (only when the bed is closing)."""


def _fade(outgoing: Samples, incoming: Samples) -> Samples:
    """An equal-power crossfade (cos/sin): the sum keeps its power when the two are unrelated."""
    n = len(outgoing)
    angle = (np.arange(n, dtype=np.float64) + 0.5) * (math.pi / 2 / n)
    return (outgoing * np.cos(angle) + incoming * np.sin(angle)).astype(np.float32)


class MusicBed:
    """The user's music as one endless, levelled stream of float32 mono samples at `sample_rate`.

    Nothing is decoded until the first `read` or `empty` (so `describe` costs a folder scan);
    ask `empty` early to have the first track measured before it is needed. Warnings (a file
    left out: one inert line each) go to `warn` from the thread that calls `read`, `empty`,
    `title_at` or `close`, never from the read-ahead thread; without `warn` they are
    MusicWarnings. Reads may come from more than one thread, one at a time. Samples are not
    clipped (a quiet track with loud peaks may pass 1.0): the mixer sets the bed's level.
    """

    def __init__(
        self,
        source: Path,
        sample_rate: int,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        warn: Callable[[str], None] = _warning,
        crossfade_s: float = 2.0,
    ) -> None:
        if sample_rate <= 0:
            raise ValueError(f"sample rate {sample_rate}")
        if not 0 <= crossfade_s <= 30:
            raise ValueError(f"crossfade of {crossfade_s} s")
        self._source = Path(source)
        self._rate = sample_rate
        self._shuffle = shuffle
        self._seed = seed if seed is not None else random.SystemRandom().randrange(2**63)
        self._warn = warn
        self._crossfade = round(crossfade_s * sample_rate)
        self._tracks = find_tracks(self._source, warn)
        self._ffmpeg = _ffmpeg()
        self._follow = self._tracks == [self._source]  # a file given directly: theirs to link
        self._min_len = max(1, round(MIN_TRACK_S * sample_rate))
        self._window = round((AHEAD_S + BEHIND_S) * sample_rate) + 2 * BLOCK
        # The read-ahead thread's own (it alone reads and writes them):
        self._loudness: dict[tuple[str, int, int], float] = {}
        self._kept: OrderedDict[tuple[str, int, int], Samples] = OrderedDict()
        self._titles: dict[int, str] = {}
        self._upcoming: int | None = None
        self._premeasured: int | None = None
        # Shared, under the lock:
        self._cond = threading.Condition()
        self._left_out: set[int] = set()
        self._ring: Samples = EMPTY
        self._produced = 0
        self._furthest = 0
        self._restart = False
        self._closed = False
        self._heard = False
        self._reason = ""
        self._done = False
        self._marks: deque[tuple[int, str]] = deque()
        self._notes: list[str] = []
        self._processes: set[subprocess.Popen[bytes]] = set()
        self._thread: threading.Thread | None = None

    # -- the public side --------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        """No track can be played at all (the session then plays without music). Waits until
        the first track is measured and decoding (or every one has failed)."""
        self._start()
        with self._cond:
            self._cond.wait_for(lambda: self._heard or self._done or self._closed)
            empty = not self._heard
        self._deliver()
        return empty

    def read(self, at: int, count: int) -> Samples:
        """Exactly `count` samples of music time [at, at + count): silence when `empty`."""
        if at < 0 or count < 0:
            raise ValueError(f"read({at}, {count})")
        out = np.zeros(count, dtype=np.float32)
        self._start()
        piece = max(1, round(PIECE_S * self._rate))
        with self._cond:
            done = 0
            while done < count:
                n = min(piece, count - done)
                if not self._copy(at + done, out[done : done + n]):
                    break
                done += n
        self._deliver()
        return out

    def title_at(self, at: int) -> str | None:
        """The track heard at music time `at` (the incoming one from a crossfade's midpoint);
        None before anything is decoded there or when `empty`. Past what is decoded so far: the
        last track started."""
        with self._cond:
            title = None
            for start, name in self._marks:
                if start > at:
                    break
                title = name
        self._deliver()
        return title

    def describe(self) -> dict[str, object]:
        return {
            "source": str(self._source),
            "tracks": len(self._tracks),
            "order": "shuffled" if self._shuffle else "in order",
        }

    def close(self) -> None:
        """Stop the read-ahead thread and every ffmpeg it runs (killed and waited for)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            for process in self._processes:
                _kill(process)
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        with self._cond:
            left = list(self._processes)
        for process in left:  # only if the thread is stuck: end them here
            _kill(process)
            process.wait()
        self._deliver()

    def __enter__(self) -> MusicBed:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading from the ring (under the lock) ---------------------------------------------

    def _copy(self, start: int, out: Samples) -> bool:
        """Fill `out` with music time [start, start + len(out)); False when no music will come
        (empty, closed or failed: `out` stays silent)."""
        end = start + len(out)
        self._furthest = max(self._furthest, end)
        self._cond.notify_all()
        while True:
            if self._closed or self._done:  # no music, or the thread failed: silence
                return False
            if start < self._produced - len(self._ring) or self._restart:
                if not self._restart:
                    self._restart = True
                    self._furthest = end
                    self._cond.notify_all()
            elif self._produced >= end:
                size = len(self._ring)
                first = start % size
                n = min(len(out), size - first)
                out[:n] = self._ring[first : first + n]
                out[n:] = self._ring[: len(out) - n]
                return True
            self._cond.wait()

    def _start(self) -> None:
        with self._cond:
            if self._thread is not None or self._closed:
                return
            self._ring = np.zeros(self._window, dtype=np.float32)
            self._thread = threading.Thread(target=self._produce, name="music-bed", daemon=True)
            self._thread.start()

    def _deliver(self) -> None:
        with self._cond:
            notes, self._notes = self._notes, []
        for note in notes:
            self._warn(note)

    def _note(self, line: str) -> None:
        with self._cond:
            if not self._closed:
                self._notes.append(line)

    # -- the read-ahead thread --------------------------------------------------------------

    def _produce(self) -> None:
        stream: Generator[Samples | _Mark | None] | None = None
        carry = EMPTY
        try:
            while True:
                stale = None
                ahead = None
                with self._cond:
                    while True:
                        if self._closed:
                            return
                        if self._restart:
                            self._restart = False
                            stale, stream, carry = stream, None, EMPTY
                            self._produced = 0
                            self._marks.clear()
                            break
                        if stream is None or self._produced < self._furthest + round(
                            AHEAD_S * self._rate
                        ):
                            break
                        ahead = self._due()
                        if ahead is not None:
                            break
                        self._cond.wait()
                if stale is not None:
                    stale.close()
                    continue
                if ahead is not None:
                    self._level(ahead)
                    continue
                if stream is None:
                    stream = self._compose()
                if not len(carry):
                    item = next(stream, _END)
                    if item is _END:  # closing
                        return
                    if isinstance(item, _Mark):
                        with self._cond:
                            if not (self._restart or self._closed):
                                self._mark(item.title)
                        continue
                    if item is None:
                        if not self._heard:
                            self._nothing_to_play()
                            return
                        item = np.zeros(BLOCK, dtype=np.float32)  # all gone since: silence
                    carry = item
                    if not len(carry):
                        continue
                piece, carry = carry[:BLOCK], carry[BLOCK:]
                with self._cond:
                    if self._restart or self._closed:
                        continue
                    self._put(piece)
        except Exception as exc:  # a bug here must not take the session down: it goes on silent
            name = type(exc).__name__
            self._note(
                f"music: stopped (internal error: {name}); the session goes on without music"
            )
            with self._cond:
                self._done = True
                self._cond.notify_all()
        finally:
            if stream is not None:
                stream.close()

    def _nothing_to_play(self) -> None:
        shown = _shown(self._source, self._source)
        why = f" ({self._reason})" if self._reason else ""
        what = f"cannot play {shown}{why}" if self._follow else f"no file in {shown} can be played"
        self._note(f"music: {what}; the session plays without music")
        with self._cond:
            self._done = True
            self._cond.notify_all()

    def _adopt(self, process: subprocess.Popen[bytes]) -> None:
        with self._cond:
            self._processes.add(process)
            if self._closed:
                _kill(process)

    def _release(self, process: subprocess.Popen[bytes]) -> None:
        with self._cond:
            self._processes.discard(process)

    def _put(self, piece: Samples) -> None:
        size = len(self._ring)
        first = self._produced % size
        n = min(len(piece), size - first)
        self._ring[first : first + n] = piece[:n]
        self._ring[: len(piece) - n] = piece[n:]
        self._produced += len(piece)
        self._heard = True
        self._cond.notify_all()

    def _mark(self, title: str) -> None:
        self._marks.append((self._produced, title))
        oldest = self._produced - len(self._ring)
        while len(self._marks) > 1 and self._marks[1][0] <= oldest:
            self._marks.popleft()

    def _due(self) -> int | None:
        """The next track, when it is still to be measured (done while the buffer is full)."""
        upcoming = self._upcoming
        if upcoming is None or upcoming == self._premeasured or upcoming in self._left_out:
            return None
        self._premeasured = upcoming
        return upcoming

    def _order(self) -> Iterator[int | None]:
        """Track numbers, round and round (reshuffled every round); None for ever once none is
        left to play."""
        rng = random.Random(self._seed)
        count = len(self._tracks)
        last = None
        while True:
            order = list(range(count))
            if self._shuffle:
                rng.shuffle(order)
                if count > 1 and order[0] == last:  # not the same track twice across a round
                    order[0], order[-1] = order[-1], order[0]
            if all(index in self._left_out for index in order):
                while True:
                    yield None
            for index in order:
                if index not in self._left_out:
                    yield index
            last = order[-1]

    def _leave_out(self, index: int, reason: str) -> None:
        """Never play this track again, and say why, once (not when the bed is closing: its
        ffmpeg was stopped, the file is fine). A few lines at most: a folder of things that are
        not music is said once, not file by file, and given up on before it keeps a session
        waiting (GIVE_UP files tried, none played)."""
        with self._cond:
            if self._closed or index in self._left_out:
                return
            self._left_out.add(index)
            left = len(self._left_out)
            if not self._heard and left >= GIVE_UP:
                self._left_out.update(range(len(self._tracks)))
        if self._follow:
            self._reason = reason  # said with "plays without music", in one line
            return
        if left > NOTES_MOST:
            if left == NOTES_MOST + 1:
                self._note("music: more files cannot be played; they are left out too")
            return
        shown = _shown(self._tracks[index], self._source)
        if reason == SILENT:
            self._note(f"music: {shown} is silent; it is left out")
        else:
            self._note(f"music: cannot read {shown} ({reason}); it is left out")

    def _key(self, index: int) -> tuple[str, int, int]:
        """The track's (path, size, mtime), after checking it is still a regular file that may
        be opened (without following a link, inside a folder)."""
        path = self._tracks[index]
        try:
            info = path.stat() if self._follow else path.lstat()
            if not stat.S_ISREG(info.st_mode):
                kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
                raise _Unreadable(f"it is now {kind}")
            if info.st_size == 0:
                raise _Unreadable("it is empty")
            flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
            os.close(os.open(path, flags | (0 if self._follow else os.O_NOFOLLOW)))
        except OSError as exc:
            raise _Unreadable((exc.strerror or "cannot open it").lower()) from None
        return (str(path), info.st_size, info.st_mtime_ns)

    def _level(self, index: int) -> tuple[tuple[str, int, int], float] | None:
        """The track's key and gain, measured once a key; None (and left out) when it cannot
        be played or is silent."""
        path = self._tracks[index]
        try:
            key = self._key(index)
            loudness = self._loudness.get(key)
            if loudness is None:
                loudness = self._loudness[key] = self._measure(path)
        except _Unreadable as exc:
            self._leave_out(index, str(exc))
            return None
        if loudness <= SILENT_LUFS:
            self._leave_out(index, SILENT)
            return None
        return key, 10 ** (min(TARGET_LUFS - loudness, MAX_GAIN_DB) / 20)

    def _command(self, path: Path, log: list[str], output: list[str]) -> list[str]:
        """ffmpeg, hardened, reading the first audio stream of `path`: the file alone, through
        audio demuxers and decoders only (see FORMATS), then `output`."""
        decoders = _audio_decoders(self._ffmpeg)
        return [
            self._ffmpeg,
            "-nostdin",
            "-hide_banner",
            *log,
            "-max_alloc",
            str(MAX_ALLOC),
            "-protocol_whitelist",
            "file",
            "-format_whitelist",
            FORMATS,
            *(["-codec_whitelist", decoders] if decoders else []),
            "-threads",
            "1",
            "-i",
            f"file:{path.absolute()}",
            "-map",
            "0:a:0",
            *output,
        ]

    def _chain(self) -> str:
        """Mono float at the bed's rate: the samples measured are the samples played."""
        return f"aresample={self._rate},aformat=sample_fmts=flt:channel_layouts=mono"

    def _measure(self, path: Path) -> float:
        """The track's integrated loudness (LUFS) by ffmpeg's ebur128 meter."""
        # The meter's summary is said at the "info" level; its per-frame lines are "verbose"
        # (not shown). The progress lines on stdout show it is alive on a long file.
        log = ["-nostats", "-v", "info", "-progress", "pipe:1"]
        meter = f"{self._chain()},ebur128=framelog=verbose"
        argv = self._command(path, log, ["-af", meter, "-f", "null", "-"])
        try:
            run = _Run(self, argv)
        except OSError as exc:
            raise _Unreadable(
                f"ffmpeg could not start: {(exc.strerror or 'failed').lower()}"
            ) from None
        while run.read(65536):
            pass
        status = run.finish()
        if run.stalled:
            raise _Unreadable(f"nothing came from it for {STALL_S:g} s")
        said = run.said()
        found = re.findall(r"Integrated loudness:\s+I:\s+(\S+)\s+LUFS", said)
        if status != 0 or not found:
            raise _Unreadable(_reason(said, status, path) if status else "there is no audio in it")
        try:
            loudness = float(found[-1])
        except ValueError:
            loudness = math.nan
        if math.isnan(loudness) or loudness == math.inf:
            raise _Unreadable("its loudness cannot be measured")
        return loudness

    def _open(self, index: int) -> tuple[_Source, tuple[str, int, int]] | None:
        """The track to read, and its key; None (and left out) when it cannot be played."""
        levelled = self._level(index)
        if levelled is None:
            return None
        key, gain = levelled
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return _Kept(kept), key
        path = self._tracks[index]
        argv = self._command(path, ["-v", "error"], ["-af", self._chain(), "-f", "f32le", "pipe:1"])
        try:
            return _Decoder(self, argv, gain, path), key
        except OSError as exc:
            reason = f"ffmpeg could not start: {(exc.strerror or 'failed').lower()}"
            self._leave_out(index, reason)
            return None

    def _keep(self, key: tuple[str, int, int], samples: Samples) -> None:
        samples.setflags(write=False)
        self._kept[key] = samples
        budget = round(KEEP_TOTAL_S * self._rate)
        while sum(len(kept) for kept in self._kept.values()) > budget:
            self._kept.popitem(last=False)

    def _title(self, index: int) -> str:
        if index not in self._titles:
            self._titles[index] = title_of(self._tracks[index])
        return self._titles[index]

    def _compose(self) -> Generator[Samples | _Mark | None]:
        """Music time from 0, as blocks and marks (None: nothing is left to play)."""
        xf = self._crossfade
        want = max(2 * xf, self._min_len)
        keep_most = round(KEEP_SHORT_S * self._rate)
        order = self._order()
        index = next(order)
        tail = EMPTY  # the end of the track before, not yet given out
        while not self._closed:  # closing stops a run mid-file: the stream ends there
            if index is None:
                if len(tail):
                    yield tail
                    tail = EMPTY
                while True:
                    yield None
            upcoming = next(order)
            self._upcoming = upcoming
            if index in self._left_out:
                index = upcoming
                continue
            opened = self._open(index)
            if opened is None:
                index = upcoming
                continue
            source, key = opened
            try:
                head = source.read(want)
                if len(head) < self._min_len:
                    why = source.failure or (
                        "there is no audio in it"
                        if not len(head)
                        else f"it is shorter than {MIN_TRACK_S:g} s"
                    )
                    self._leave_out(index, why)
                    index = upcoming
                    continue
                title = self._title(index)
                if not len(tail):
                    yield _Mark(title)
                    pending = head
                else:
                    n = min(len(tail), len(head) // 2)
                    lead = len(tail) - n
                    if lead:
                        yield tail[:lead]
                    mixed = _fade(tail[lead:], head[:n])
                    yield mixed[: n // 2]
                    yield _Mark(title)
                    yield mixed[n // 2 :]
                    pending = head[n:]
                total = len(head)
                whole: list[Samples] | None = [head] if total <= keep_most else None
                ended = len(head) < want
                while not ended:
                    chunk = source.read(BLOCK)
                    ended = len(chunk) < BLOCK
                    total += len(chunk)
                    if whole is not None and total <= keep_most:
                        whole.append(chunk)
                    else:
                        whole = None
                    pending = np.concatenate((pending, chunk))
                    if len(pending) > xf:
                        yield pending[: len(pending) - xf]
                        pending = pending[len(pending) - xf :]
                hold = min(xf, total // 2)
                if len(pending) > hold:
                    yield pending[: len(pending) - hold]
                    pending = pending[len(pending) - hold :]
                tail = pending
                if source.failure is not None:  # it stalled mid-way: not again
                    self._leave_out(index, source.failure)
                elif whole is not None and isinstance(source, _Decoder):
                    self._keep(key, np.concatenate(whole))
            finally:
                source.close()
            index = upcoming
