"""The routines `share` serves: each planned as an export would be (disclaimer first, the user's
side and settings applied), with what a phone shows per chapter, and its audio rendered once
into the user's data folder.

A rendered file is named by a fingerprint of everything its audio depends on (every event's
time and words, and the voice that says them), so a second `share` serves at once, and a
`my-plan` that changed is rendered anew. A file is written under a temporary name and renamed,
then its checksum beside it; a file whose checksum is missing or wrong is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_coach.audio.export import Tags, export_file
from voice_coach.files import private_folder, write_text
from voice_coach.journal.home import home
from voice_coach.plan.spoken import fill_sides
from voice_coach.session.prepare import Prepared, Session

FORMATS = {"mp3": "audio/mpeg", "m4b": "audio/mp4"}


@dataclass(frozen=True)
class Part:
    """One chapter as the page shows it: where it is, and what to do in it."""

    title: str
    start: int
    end: int
    """Samples."""
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Routine:
    id: str
    """The playlist's or exercise's id: a checked slug, safe in a URL."""
    title: str
    purpose: str
    equipment: tuple[str, ...]
    helper: bool
    rate: int
    length: int
    parts: tuple[Part, ...]
    key: str
    """The fingerprint of its audio."""
    session: Session
    tags: Tags

    @property
    def seconds(self) -> float:
        return self.length / self.rate


def routine_of(prepared: Prepared, session: Session) -> Routine:
    """The planned target, described."""
    library, timeline = session.library, session.timeline
    disclaimer = library.programme.disclaimer
    exercises = [library.exercises[i] for i in prepared.ids]
    parts = []
    for chapter in timeline.chapters:
        if chapter.exercise is None:
            steps: tuple[str, ...] = (disclaimer,)
        else:
            exercise = library.exercises[chapter.exercise]
            side = prepared.settings.side
            steps = tuple(fill_sides(step, side) for step in (*exercise.setup, *exercise.steps))
        parts.append(Part(chapter.title, chapter.start, chapter.end, steps))
    purpose = prepared.playlist.purpose if prepared.playlist else ""
    return Routine(
        id=prepared.target[0] if len(prepared.target) == 1 else "-".join(prepared.target),
        title=session.title,
        purpose=purpose,
        equipment=tuple(dict.fromkeys(item for e in exercises for item in e.equipment)),
        helper=any(e.needs_helper for e in exercises),
        rate=timeline.sample_rate,
        length=timeline.length,
        parts=tuple(parts),
        key=fingerprint(session),
        session=session,
        tags=Tags(title=session.title, album=library.programme.title, comment=disclaimer),
    )


def fingerprint(session: Session) -> str:
    timeline, cues = session.timeline, session.cues
    events = [
        (e.start, e.length, e.kind, e.role, e.tone, cues.key_of(e.text) if e.text else None)
        for e in timeline.events
    ]
    chapters = [(c.title, c.start, c.end) for c in timeline.chapters]
    described = json.dumps([timeline.sample_rate, events, chapters], default=str)
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def shared_folder() -> Path:
    return home() / "shared"


class Store:
    """The rendered files, one at a time (the voice engine is not shared between threads)."""

    def __init__(self, folder: Path, note: Callable[[str], None]) -> None:
        self.folder = folder
        self.note = note
        self.lock = threading.Lock()
        self.checked: dict[Path, tuple[int, int]] = {}
        """Files whose checksum matched, with the size and time they had then: a phone seeking
        asks for the same file many times, and hashing 10 MB each time is wasted while it is
        unchanged."""

    def path(self, routine: Routine, fmt: str) -> Path:
        return self.folder / f"{routine.id}-{routine.key}.{fmt}"

    def ready(self, routine: Routine, fmt: str) -> Path | None:
        """The file, if it was rendered whole before."""
        path = self.path(routine, fmt)
        try:
            stat = path.stat()
            if self.checked.get(path) == (stat.st_size, stat.st_mtime_ns):
                return path
            expected = path.with_name(path.name + ".sha256").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        if _digest(path) != expected:
            return None
        self.checked[path] = (stat.st_size, stat.st_mtime_ns)
        return path

    def file(self, routine: Routine, fmt: str) -> Path:
        """The file, rendered now if it is not there yet (or is not whole)."""
        found = self.ready(routine, fmt)  # without the lock: a ready file never waits for a render
        if found is not None:
            return found
        with self.lock:
            found = self.ready(routine, fmt)
            if found is not None:
                return found
            path = self.path(routine, fmt)
            private_folder(self.folder)  # in the person's own folder, made private if new
            self.note(f"rendering {routine.title} ({fmt.upper()}), first time only...")
            session = routine.session
            export_file(session.timeline, session.cues.pcm, path, routine.tags)
            write_text(path.with_name(path.name + ".sha256"), _digest(path) + "\n")
            self.note(f"ready: {routine.title} ({fmt.upper()}, {path.stat().st_size / 1e6:.1f} MB)")
            return path

    def all_ready(self, routines: Sequence[Routine], fmt: str) -> list[Path]:
        return [self.file(routine, fmt) for routine in routines]


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
