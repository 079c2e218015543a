"""A content-addressed store of speech cues, safe for several processes at once.

One file per cue, named by a hash of everything that shapes its sound (engine, voice, rate, text,
sample rate, format version). Each file carries its own length and checksum, so a truncated or
corrupted entry is noticed on read and rebuilt instead of played.

The first writer wins: an entry is written under a temporary name and *linked* into place, which
fails if another process got there first; the loser then reads the winner's entry. Speech engines
are not bit-exact from run to run (espeak varies by a few samples), so this is what makes
concurrent renders into one cold cache produce identical files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

FORMAT_VERSION = 2
"""2: cues levelled to podcast loudness (speech.loudness); 1 was an RMS level, 4 dB quieter."""
MAGIC = b"VCCUE"
SUFFIX = ".cue"
_HEADER = struct.Struct("<5sBII16s")  # magic, version, sample rate, samples, blake2b-128 of pcm


_CHECKOUT = Path(__file__).resolve().parents[2]
CHECKOUT_CACHE = _CHECKOUT / "audio_cache"
"""The cue cache of a checkout (the project's layout); an installed package has none."""


def _in_a_checkout() -> bool:
    return (_CHECKOUT / "pyproject.toml").is_file() and CHECKOUT_CACHE.is_dir()


def default_cache_dir() -> Path:
    """VOICE_COACH_CACHE if set; else the checkout's audio_cache/ when there is one (and it is
    writable); else the user's cache folder."""
    chosen = os.environ.get("VOICE_COACH_CACHE")
    if chosen:
        return Path(chosen)
    if _in_a_checkout() and os.access(CHECKOUT_CACHE, os.W_OK):
        return CHECKOUT_CACHE
    home = os.environ.get("VOICE_COACH_HOME")
    if home:
        return Path(home) / "cache"
    return Path(platformdirs.user_cache_dir("voice-coach")) / "cues"


def cue_key(engine: str, voice: str, rate: int, sample_rate: int, text: str) -> str:
    from voice_coach.speech.loudness import CUE_LUFS  # the level a cue is made at shapes it too

    identity = json.dumps([FORMAT_VERSION, CUE_LUFS, engine, voice, rate, sample_rate, text])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _digest(pcm: bytes) -> bytes:
    return hashlib.blake2b(pcm, digest_size=16).digest()


@dataclass(frozen=True)
class CacheStats:
    folder: Path
    entries: int
    broken: int
    bytes: int
    seconds: float


class CueCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._swept = False

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str, sample_rate: int) -> bytes | None:
        """The cue's PCM if a whole, intact entry exists; anything else there is removed.

        Only a regular file of a sane size is read, opened without following a link and without
        blocking, so a link to /dev/zero, a FIFO or a folder planted at an entry's name can
        neither hang nor exhaust the session: it is cleared away and the cue made again.
        """
        path = self.path(key)
        data = _read_entry(path)
        pcm = _decode(data, sample_rate) if data is not None else None
        if pcm is None:
            _remove(path)
        return pcm

    def put(self, key: str, pcm: bytes, sample_rate: int) -> bytes:
        """Store a cue unless another process stored it first; return the stored PCM.

        A cache that cannot be written (read-only, full) only costs speed: the cue is used
        from memory and made again next time.
        """
        try:
            return self._put(key, pcm, sample_rate)
        except OSError:
            return pcm

    def _put(self, key: str, pcm: bytes, sample_rate: int) -> bytes:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sweep()
        header = _HEADER.pack(MAGIC, FORMAT_VERSION, sample_rate, len(pcm) // 2, _digest(pcm))
        handle, temp_name = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(header + pcm)
                stream.flush()
                os.fsync(stream.fileno())
            for _ in range(3):
                try:
                    os.link(temp, self.path(key))
                    return pcm
                except FileExistsError:
                    existing = self.get(key, sample_rate)  # removes it if broken
                    if existing is not None:
                        return existing
            temp.replace(self.path(key))  # a persistently broken entry: overwrite it
            return pcm
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def _sweep(self) -> None:
        """Once per cache object: remove the temporary files of syntheses that were killed."""
        if self._swept:
            return
        self._swept = True
        cutoff = time.time() - STALE_TMP_S
        for path in self.folder.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime < cutoff:
                    path.unlink()

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix == SUFFIX and p.is_file())

    def stats(self) -> CacheStats:
        entries = broken = size = 0
        seconds = 0.0
        for path in self.entries():
            data = _read_entry(path) or b""
            size += len(data)
            if path.name.startswith(".tmp-"):
                continue
            entries += 1
            try:
                _, _, rate, count, _ = _HEADER.unpack_from(data)
            except struct.error:
                broken += 1
                continue
            if _decode(data, rate) is None:
                broken += 1
            else:
                seconds += count / rate
        return CacheStats(self.folder, entries, broken, size, seconds)

    def clear(self) -> int:
        removed = 0
        for path in self.entries():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed


MAX_ENTRY_BYTES = 2 * 22050 * 120 + _HEADER.size
"""A cue is a sentence: two minutes of 16-bit audio at 22 kHz is far more than any of them."""
STALE_TMP_S = 3600
"""A temporary file this old belongs to a synthesis that was killed."""


def _read_entry(path: Path) -> bytes | None:
    """The bytes of a regular file of bounded size at `path`, or None (missing or not sane)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(handle)


def _remove(path: Path) -> None:
    """Clear whatever is at `path` (a file, a link, a FIFO or a folder), if it can be."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _decode(data: bytes, sample_rate: int) -> bytes | None:
    if len(data) < _HEADER.size:
        return None
    magic, version, rate, count, digest = _HEADER.unpack_from(data)
    pcm = data[_HEADER.size :]
    if (magic, version, rate) != (MAGIC, FORMAT_VERSION, sample_rate) or len(pcm) != count * 2:
        return None
    if _digest(pcm) != digest:
        return None
    return pcm
