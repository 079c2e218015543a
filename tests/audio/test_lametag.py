"""MP3 files without speech: exact end padding, a true tag CRC, chapters in order (ffmpeg,
mutagen)."""

from __future__ import annotations

import array
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from support.media import decoded

from voice_coach.audio import export, lametag

pytestmark = pytest.mark.ffmpeg
ENCODE = ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1", "-i", "pipe:0"]
ENCODE += ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "-y"]


@pytest.mark.parametrize("rest", [0, 1, 5, 46, 47, 300])
def test_an_mp3_decodes_to_exactly_its_samples_whatever_its_length(
    tmp_path: Path, rest: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ffmpeg writes a wrong end padding into the LAME tag when the last MP3 frame (576 samples
    at 22050 Hz) holds 1 to 46 samples; decoders then give back up to 46 samples too many."""
    samples = 576 * 200 + rest
    tone = array.array("h", (int(8000 * math.sin(i / 7)) for i in range(samples)))
    tags = export.Tags(title="t", album="a", comment="c")
    out = tmp_path / "exact.mp3"
    export.write_mp3(out, [tone.tobytes()], 22050, tags)
    assert len(decoded(out)) == samples
    if 1 <= rest <= 46:  # and without the fix, this length really comes back wrong
        monkeypatch.setattr(export, "fix_end_padding", lambda path, n: False)
        export.write_mp3(out, [tone.tobytes()], 22050, tags)
        assert len(decoded(out)) == samples + 47 - rest


@pytest.mark.parametrize("rest", [5, 46])
def test_the_rewritten_tag_carries_a_true_crc(tmp_path: Path, rest: int) -> None:
    """The CRC is checked the way ffmpeg writes it: ffmpeg's own tag must pass the same check
    before the rewrite, and ours after it."""
    samples = 576 * 50 + rest
    tone = array.array("h", (int(8000 * math.sin(i / 5)) for i in range(samples)))
    raw = tmp_path / "raw.mp3"
    encode = [*ENCODE, str(raw)]
    subprocess.run(encode, input=tone.tobytes(), check=True)
    assert lametag.tag_crc_ok(raw) is True  # our reading of the CRC agrees with ffmpeg's
    fixed = tmp_path / "fixed.mp3"
    shutil.copy(raw, fixed)
    assert lametag.fix_end_padding(fixed, samples)
    assert lametag.tag_crc_ok(fixed) is True
    assert fixed.read_bytes() != raw.read_bytes()
    assert len(decoded(fixed)) == samples


def test_chapters_and_their_table_of_contents_are_in_time_order(tmp_path: Path) -> None:
    out = tmp_path / "chapters.mp3"
    silence = bytes(2 * 22050 * 3)
    chapters = [("First", 0, 1000), ("Second", 1000, 2000), ("Third", 2000, 3000)]
    export.write_mp3(out, [silence], 22050, export.Tags("t", "a", "c"), chapters)
    id3 = ID3(str(out))
    (toc,) = id3.getall("CTOC")
    frames = {frame.element_id: frame for frame in id3.getall("CHAP")}
    starts = [frames[child].start_time for child in toc.child_element_ids]
    assert starts == [0, 1000, 2000]
    titles = [frames[child].sub_frames["TIT2"].text[0] for child in toc.child_element_ids]
    assert titles == ["First", "Second", "Third"]
