"""The routines `share` serves: each planned as an export would be (disclaimer first, the user's
side and settings applied), with what a phone shows per chapter, and its audio rendered once
into the user's data folder.

A rendered file is named by a fingerprint of everything its audio depends on (every event's
time and words, and the voice that says them), so a second `share` serves at once, and a
`my-plan` that changed is rendered anew. A file is written under a temporary name and renamed,
then its checksum beside it; a file whose checksum is missing or wrong is rendered again.

A render stops when `share` does (its partial file removed, not left for ever), and what no
routine of this run serves (another variant: other options, an older `my-plan`) is removed at
start and after rendering, so the folder holds what is served and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from voice_coach.audio.export import Tags, export_file
from voice_coach.errors import UserError, inert
from voice_coach.files import FileError, is_stale_part, private_folder, read_regular, write_text
from voice_coach.journal.home import home
from voice_coach.plan.spoken import fill_sides
from voice_coach.session.music import music_for
from voice_coach.session.prepare import Prepared, Session

FORMATS = {"mp3": "audio/mpeg", "m4b": "audio/mp4"}
CHECKSUM_MOST_BYTES = 256
"""A rendered file's .sha256 holds 64 hex digits; more is not one."""
_RENDERED = re.compile(r"[a-z0-9-]+-[0-9a-f]{32}\.(mp3|m4b)(\.sha256)?")
"""The names the store gives its files (`Store.path`, and the checksum beside each)."""


class Stopped(UserError):
    """`share` is stopping: the render under way gave up, its partial file removed. (Only ever
    logged by the server, as a request's one line: never the user's mistake, never a bug.)"""

    def __init__(self, title: str) -> None:
        super().__init__(f"sharing stopped before {title} was ready")


@dataclass(frozen=True)
class Part:
    """One chapter as the page shows it: where it is, and what to do in it."""

    title: str
    start: int
    end: int
    """Samples."""
    steps: tuple[str, ...]
    exercise: str | None = None
    """The exercise's id (None for a chapter that is no exercise: "Before you start")."""


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

    @property
    def exercises(self) -> tuple[str, ...]:
        """Its exercises' ids, each once, in order: what a session of it logs as done."""
        return tuple(dict.fromkeys(p.exercise for p in self.parts if p.exercise is not None))


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
        parts.append(Part(chapter.title, chapter.start, chapter.end, steps, chapter.exercise))
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
    music = session.music.fingerprint() if session.music else None
    described = json.dumps([timeline.sample_rate, events, chapters, music], default=str)
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def shared_folder() -> Path:
    return home() / "shared"


class Store:
    """The rendered files, one at a time (the voice engine is not shared between threads)."""

    def __init__(self, folder: Path, note: Callable[[str], None]) -> None:
        self.folder = folder
        self.note = note
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.checked: dict[Path, tuple[int, int]] = {}
        """Files whose checksum matched, with the size and time they had then: a phone seeking
        asks for the same file many times, and hashing 10 MB each time is wasted while it is
        unchanged."""

    def path(self, routine: Routine, fmt: str) -> Path:
        return self.folder / f"{routine.id}-{routine.key}.{fmt}"

    def ready(self, routine: Routine, fmt: str) -> Path | None:
        """The file, if it was rendered whole before. A pipe, a device or a folder in its place
        or its checksum's (put there by hand) is no such file: it is rendered again, never read
        (a pipe would hang the request)."""
        path = self.path(routine, fmt)
        sidecar = path.with_name(path.name + ".sha256")
        try:
            stat = path.lstat()
            if not S_ISREG(stat.st_mode):
                return None
            if self.checked.get(path) == (stat.st_size, stat.st_mtime_ns):
                return path
            expected = read_regular(sidecar, CHECKSUM_MOST_BYTES).decode("utf-8").strip()
        except (OSError, FileError, UnicodeDecodeError):
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
            if self.stopping.is_set():
                raise Stopped(routine.title)
            path = self.path(routine, fmt)
            private_folder(self.folder)  # in the person's own folder, made private if new
            self.note(f"rendering {inert(routine.title)} ({fmt.upper()}), first time only...")
            session = routine.session

            def going_on(samples: int) -> None:  # called a block (a second of audio) at a time
                if self.stopping.is_set():
                    raise Stopped(routine.title)

            timeline = session.timeline
            with music_for(session.music, timeline, self.note) as mixing:
                export_file(timeline, session.cues.pcm, path, routine.tags, going_on, mixing)
            write_text(path.with_name(path.name + ".sha256"), _digest(path) + "\n")
            self.note(
                f"ready: {inert(routine.title)} ({fmt.upper()}, {path.stat().st_size / 1e6:.1f} MB)"
            )
            return path

    def all_ready(self, routines: Sequence[Routine], fmt: str) -> list[Path]:
        return [self.file(routine, fmt) for routine in routines]

    def stop(self, wait_s: float) -> bool:
        """No render starts from now on, and the one under way stops at its next block, its
        partial file removed (export's files are written through `files.replacing`). True
        once nothing renders any more, False if that took longer than `wait_s`."""
        self.stopping.set()
        if not self.lock.acquire(timeout=wait_s):
            return False
        self.lock.release()
        return True

    def prune(self, routines: Sequence[Routine]) -> list[Path]:
        """Remove what none of `routines` serves: rendered files of other variants, with their
        checksums, and partial files whose writer is gone. Anything else is left alone, and so
        are the parts of a render still under way (another `share`, say). The removed files."""
        served = {self.path(r, fmt).name for r in routines for fmt in FORMATS}
        served |= {f"{name}.sha256" for name in served}
        removed = []
        with contextlib.suppress(OSError):  # no folder yet, or one it cannot list: nothing to do
            for path in list(self.folder.iterdir()):
                name = path.name
                if name in served or not (_RENDERED.fullmatch(name) or is_stale_part(path)):
                    continue
                with contextlib.suppress(OSError):  # a file it may not remove: kept, no harm
                    path.unlink()
                    removed.append(path)
                    self.checked.pop(path, None)
        return removed


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
