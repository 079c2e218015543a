"""Correct the end padding that ffmpeg writes into an MP3's LAME tag, so decoders trim exactly.

Gapless MP3 decoding depends on the LAME tag in the first (Info) frame: it says how many samples
of encoder delay to drop at the start and of padding to drop at the end. ffmpeg 5 writes a wrong
padding when the audio's last frame holds only a few samples (at 22050 Hz: when the sample count
modulo 576 is 1 to 46), and then every decoder hands back up to 46 extra samples at the end. The
true padding follows from the frame count and the delay, which are right, and the exact sample
count, which only we know; this rewrites the field and the tag's CRC.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_VERSIONS = (3, 2, 0)  # MPEG-1, MPEG-2, MPEG-2.5 in the header's version bits
TAG_CRC_SPAN = 190
"""The tag's CRC covers the first 190 bytes of the Info frame. In a small (MPEG-2 mono) frame
its own field falls inside them; ffmpeg counts it as zero there, and so do we."""


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected, start 0): the LAME tag's checksum."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _id3_size(data: bytes) -> int:
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


@dataclass(frozen=True)
class _Tag:
    """Where the LAME tag's fields sit in the file's first bytes."""

    start: int
    """The Info frame's first byte."""
    frames: int
    field: int
    """The 3-byte delay/padding field."""
    crc_field: int
    per_frame: int

    def span(self, head: bytes) -> bytearray:
        """The bytes the tag CRC covers, with the CRC field itself as zeros."""
        covered = bytearray(head[self.start : self.start + TAG_CRC_SPAN])
        if self.crc_field - self.start < TAG_CRC_SPAN:
            offset = self.crc_field - self.start
            covered[offset : offset + 2] = b"\0\0"
        return covered


def _find_tag(head: bytes) -> _Tag | None:
    start = _id3_size(head)
    frame = head[start : start + 4]
    if len(frame) < 4 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return None
    version = (frame[1] >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    if version not in _VERSIONS or (frame[1] >> 1) & 0x03 != 1:  # Layer III only
        return None
    mono = (frame[3] >> 6) == 3
    side_info = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    crc_bytes = 0 if frame[1] & 0x01 else 2
    info = start + 4 + crc_bytes + side_info
    if head[info : info + 4] not in (b"Info", b"Xing"):
        return None
    flags = int.from_bytes(head[info + 4 : info + 8], "big")
    if not flags & 0x01:
        return None  # no frame count: nothing to compute the padding from
    frames = int.from_bytes(head[info + 8 : info + 12], "big")
    lame = info + 8 + 4 * bin(flags & 0x0B).count("1") + (100 if flags & 0x04 else 0)
    field = lame + 21  # after encoder name (9), revision, lowpass, peak, 2 gains, flags, rate
    return _Tag(start, frames, field, lame + 34, 1152 if version == 3 else 576)


def tag_crc_ok(path: Path) -> bool | None:
    """Whether the LAME tag's CRC matches its bytes (None: no LAME tag)."""
    head = path.read_bytes()[: 64 * 1024]
    tag = _find_tag(head)
    if tag is None:
        return None
    stored = int.from_bytes(head[tag.crc_field : tag.crc_field + 2], "big")
    return stored == _crc16(bytes(tag.span(head)))


def fix_end_padding(path: Path, samples: int) -> bool:
    """Make the LAME tag of `path` say the padding that leaves exactly `samples` samples.

    Returns whether the file was changed. Files without a LAME tag are left alone.
    """
    with path.open("r+b") as stream:
        head = stream.read(64 * 1024)
        tag = _find_tag(head)
        if tag is None:
            return False
        packed = int.from_bytes(head[tag.field : tag.field + 3], "big")
        delay = packed >> 12
        padding = tag.frames * tag.per_frame - delay - samples
        if not 0 <= padding < 4096 or padding == packed & 0xFFF:
            return False
        value = ((delay << 12) | padding).to_bytes(3, "big")
        patched = bytearray(head)
        patched[tag.field : tag.field + 3] = value
        stream.seek(tag.field)
        stream.write(value)
        stream.seek(tag.crc_field)
        stream.write(_crc16(bytes(tag.span(bytes(patched)))).to_bytes(2, "big"))
    return True
