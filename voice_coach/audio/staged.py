"""A folder of files written whole or not at all: a split export's tracks and playlist.

Each file is crash-safe on its own (files.replacing), but a split export is many: a full disk at
the third track used to leave two tracks and no playlist, the earlier run's tracks of those names
already replaced. So the run writes into a hidden staging folder inside the destination (same
disk: the moves at the end are renames, which need no room) and moves everything into place
only when all of it is written. Anything that goes wrong first (a full disk, Ctrl-C) removes the
staging folder, and the folders made for the export: the destination is as it was. A killed
run's staging folder is swept by the next split export into that folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from voice_coach.errors import FAULT_HINTS, UserError
from voice_coach.files import PART_SUFFIX, is_stale_part

STAGE_PREFIX = ".split"


def _missing(folder: Path) -> list[Path]:
    """The folder and those of its parents that do not exist yet, innermost first."""
    return [p for p in [folder, *folder.parents] if not p.exists()]


def _sweep(folder: Path) -> None:
    for path in folder.iterdir():
        if path.name.startswith(f"{STAGE_PREFIX}.") and path.is_dir() and is_stale_part(path):
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A fresh staging folder inside `folder` (made if need be); `publish` moves its files into
    `folder`. If the block fails, nothing of this run is left and the line says so."""
    made = _missing(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    stage = folder / f"{STAGE_PREFIX}.{os.getpid()}.{secrets.token_hex(4)}{PART_SUFFIX}"
    stage.mkdir()
    try:
        yield stage
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        for path in made:  # innermost first; one that is not empty now is not ours alone
            with contextlib.suppress(OSError):
                path.rmdir()
        raise _as_was(exc, folder, stage, new=folder in made) from None
    shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, names: Sequence[str]) -> None:
    """Move the staged files into the destination, in order (the playlist last)."""
    for name in names:
        (stage / name).replace(stage.parent / name)


def _as_was(exc: BaseException, folder: Path, stage: Path, *, new: bool) -> BaseException:
    """The fault, naming the file the person asked for (not the staged one) and saying that
    the folder is as it was (`new`: it was not there, and is not now)."""
    kept = (
        f"{folder} was not there before and is removed again"
        if new
        else f"{folder} is as it was: no file of this export was left in it"
    )
    if isinstance(exc, UserError):
        exc.hint = f"{exc.hint}; {kept}" if exc.hint else kept
        if exc.where is not None:
            exc.where = exc.where.replace(str(stage), str(folder))
        return exc
    if isinstance(exc, OSError) and exc.errno in FAULT_HINTS:
        where = str(exc.filename or folder).replace(str(stage), str(folder))
        fault = UserError(exc.strerror or "failed", where=where, hint=FAULT_HINTS[exc.errno])
        fault.hint = f"{fault.hint}; {kept}"
        return fault
    return exc
