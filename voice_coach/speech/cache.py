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
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

FORMAT_VERSION = 1
MAGIC = b"VCCUE"
SUFFIX = ".cue"
_HEADER = struct.Struct("<5sBII16s")  # magic, version, sample rate, samples, blake2b-128 of pcm


CHECKOUT_CACHE = Path(__file__).resolve().parents[2] / "audio_cache"


def default_cache_dir() -> Path:
    """VOICE_COACH_CACHE if set; else the checkout's audio_cache/ when there is one (and it is
    writable); else the user's cache folder."""
    chosen = os.environ.get("VOICE_COACH_CACHE")
    if chosen:
        return Path(chosen)
    if CHECKOUT_CACHE.is_dir() and os.access(CHECKOUT_CACHE, os.W_OK):
        return CHECKOUT_CACHE
    home = os.environ.get("VOICE_COACH_HOME")
    if home:
        return Path(home) / "cache"
    return Path(platformdirs.user_cache_dir("voice-coach")) / "cues"


def cue_key(engine: str, voice: str, rate: int, sample_rate: int, text: str) -> str:
    identity = json.dumps([FORMAT_VERSION, engine, voice, rate, sample_rate, text])
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

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str, sample_rate: int) -> bytes | None:
        """The cue's PCM if a whole, intact entry exists; a broken entry is removed."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        pcm = _decode(data, sample_rate)
        if pcm is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return pcm

    def put(self, key: str, pcm: bytes, sample_rate: int) -> bytes:
        """Store a cue unless another process stored it first; return the stored PCM."""
        self.folder.mkdir(parents=True, exist_ok=True)
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

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix == SUFFIX and p.is_file())

    def stats(self) -> CacheStats:
        entries = broken = size = 0
        seconds = 0.0
        for path in self.entries():
            data = path.read_bytes()
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
