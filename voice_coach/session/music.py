"""The person's own music for a session: where it comes from, how loud, in which order.

Chosen on the command line (`--music`, `--music-level`, `--shuffle`) or in the settings, and
opened only when sound is made (play, export, share), since opening starts ffmpeg. A source that
cannot be used never stops a session: one line names it, and the session plays without music.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.errors import UserError, inert
from voice_coach.model import Timeline

if TYPE_CHECKING:
    from voice_coach.audio.mix import Mixing


@dataclass(frozen=True)
class MusicChoice:
    source: Path
    level_db: int = 0
    """Over the usual bed level (audio.mix.BED_DB)."""
    shuffle: bool = False

    def describe(self) -> dict[str, object]:
        """What `plan --json` says of it."""
        order = "shuffled" if self.shuffle else "in order"
        said = {"file": str(self.source), "level_db": self.level_db, "order": order}
        if not (self.source.is_file() or self.source.is_dir()):  # what a render would say
            return {"on": False, **said, "problem": "there is no such file or folder"}
        return {"on": True, **said}

    def fingerprint(self) -> str:
        """Names the music as rendered into a file: the choice, and the files as they are now
        (a track replaced or added makes the shared file render anew)."""
        from voice_coach.audio.music import find_tracks

        seen: list[object] = [self.describe()]
        try:
            tracks = find_tracks(self.source, warn=lambda line: None)
        except UserError:
            tracks = []
        for path in tracks:  # the files the music would play, as it would open them
            try:
                status = path.stat() if path == self.source else path.lstat()
            except OSError:
                continue
            seen.append([str(path), status.st_size, status.st_mtime_ns])
        return hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:16]

    @contextlib.contextmanager
    def mixing(
        self, rate: int, length: Callable[[], int | None], warn: Callable[[str], None]
    ) -> Iterator[Mixing | None]:
        """The music opened for one render; None (after one line saying why) if none of it can
        be read."""
        from voice_coach.audio.mix import Mixing
        from voice_coach.audio.music import MusicBed

        def note(line: str) -> None:
            warn(f"voice-coach: note: {line}")

        try:
            bed = MusicBed(self.source, rate, shuffle=self.shuffle, warn=note)
        except UserError as exc:
            where = f" ({inert(exc.where)})" if exc.where else ""
            note(f"music: {exc.message}{where}; playing without music")
            yield None
            return
        try:
            yield None if bed.empty else Mixing(bed, rate, length, float(self.level_db))
        finally:
            bed.close()


def music_for(
    music: MusicChoice | None, timeline: Timeline, warn: Callable[[str], None]
) -> AbstractContextManager[Mixing | None]:
    """The music opened for one straight-through render of `timeline` (an export, a file for
    the phone), or nothing."""
    if music is None:
        return contextlib.nullcontext()
    length = timeline.length
    return music.mixing(timeline.sample_rate, lambda: length, warn)
