"""Crash-safe files: every file voice-coach writes appears whole, or not at all.

A file is written under a temporary name beside its destination, created exclusively (so a link
planted at that name is never followed), flushed to disk, then renamed over the destination.
A killed writer leaves only its temporary part, named with its process id, and the next writer
to the same destination sweeps the parts of processes that are gone. The temporary name is never
longer than the file system allows, however long the destination's name: a name that is legal for
the file must never fail for want of room for its part.

The person's own files (settings, log, the share secret) are private: only their owner may read
them (0600 files in a 0700 folder), whatever the umask, from the moment they exist. A file or
folder left by an older voice-coach loses what group and others could do when it is opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from voice_coach.errors import UserError, clipped, inert

PART_SUFFIX = ".part"
NAME_MAX = 255
"""Bytes in a file name, where the file system does not say (it almost always is)."""
PART_ROOM = len(f"..{2**32}.{secrets.token_hex(4)}{PART_SUFFIX}")
"""What a part adds to the name it is made from: dots, a process id, a token and the suffix."""
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
OTHERS = 0o077
"""The group's and everybody else's bits: none of them on a private file or folder."""


class FileError(UserError):
    """A file could not be written where the user asked (a missing folder, say)."""


def user_path(text: str, where: str | None = None) -> Path:
    """A path a person typed, with ~ and ~user read as home folders: Python raises a bare
    RuntimeError for a user that does not exist (or no home at all), which is the person's
    typing, not a fault."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        user = inert(clipped(text.split("/", 1)[0]))  # choose prints it in its own prompt
        raise UserError(
            f"{user} names no home folder on this machine",
            where=where,
            hint="write the path out in full, or start it with ~/ for your own home folder",
        ) from None


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX


def _part_stem(destination: Path) -> str:
    """The destination's name, or, when its part would not fit the folder's longest name, as
    much of it as fits and a hash of the whole: the same every time, so the sweep finds it."""
    name = destination.name
    raw = os.fsencode(name)
    room = _name_max(destination.parent) - PART_ROOM
    if len(raw) <= room:
        return name
    digest = hashlib.sha256(raw).hexdigest()[:12]
    head, used = "", len(digest) + 1
    for char in name:  # whole characters only: a part's name stays readable
        used += len(os.fsencode(char))
        if used > room:
            break
        head += char
    return f"{head}~{digest}"


def _parts_of(destination: Path) -> re.Pattern[str]:
    stem = re.escape(_part_stem(destination))
    return re.compile(rf"^\.{stem}\.(\d+)\.[0-9a-f]+{re.escape(PART_SUFFIX)}$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_ANY_PART = re.compile(rf"^\..+\.(\d+)\.[0-9a-f]+{PART_SUFFIX}$")


def is_stale_part(path: Path) -> bool:
    """Whether `path` is a temporary part whose writer is gone (any destination's)."""
    match = _ANY_PART.match(path.name)
    return match is not None and not _alive(int(match.group(1)))


def sweep_parts(destination: Path) -> None:
    """Remove the temporary parts that writers of `destination`, now dead, left behind."""
    pattern = _parts_of(destination)
    try:
        paths = list(destination.parent.iterdir())  # not a glob: the name may hold [ or *
    except OSError:
        return  # a folder that cannot be listed: nothing to sweep that we could see
    for path in paths:
        match = pattern.match(path.name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _fsync(path: Path, *, folder: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if folder else 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return  # some file systems cannot open a folder for syncing; the rename still stands
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def tighten(path: Path) -> None:
    """Take from an existing private file or folder what group and others may do with it (one
    written by an older voice-coach under the umask), leaving the owner's own bits as they are.

    Best effort: a file that is not the person's to change (another owner, a read-only disk)
    stays as it is, since reading it must still work. A link is never followed: chmod would
    change what it points to (another file of the person's, or /dev/zero as root), not the
    link; voice-coach never makes links, and reading one is refused where it is read."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return
        mode = stat.S_IMODE(info.st_mode)
        if mode & OTHERS:
            path.chmod(mode & ~OTHERS)
    except OSError:
        pass


def private_folder(folder: Path) -> Path:
    """`folder`, made if need be: a new one, and any parent made for it, is 0700 whatever the
    umask; an existing one is tightened (and never written, so a read-only one still reads).
    A file in its way is the usual EEXIST fault."""
    if folder.is_dir():
        tighten(folder)
        return folder
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            if not path.is_dir():
                raise
        else:
            path.chmod(PRIVATE_FOLDER)  # mkdir's mode went through the umask
    return folder


def private_file(path: Path) -> Path:
    """`path`, created empty and 0600 if it does not exist yet, else tightened: so that what
    then opens it by name (SQLite, which gives its journal the file's mode) keeps it private."""
    if path.exists():
        tighten(path)
        return path
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
    except FileExistsError:  # made meanwhile (or a dangling link: SQLite then says what it is)
        tighten(path)
        return path
    try:
        os.fchmod(handle, PRIVATE_FILE)
    finally:
        os.close(handle)
    return path


@contextlib.contextmanager
def replacing(
    destination: Path, *, make_folder: bool = False, private: bool = True
) -> Iterator[Path]:
    """A fresh, empty temporary file beside `destination`, renamed onto it if the block succeeds.

    The block writes the temporary path (by name, so ffmpeg or matplotlib can write it too);
    anything that goes wrong, Ctrl-C included, removes it and leaves the destination as it was.
    A `private` file (and the folder made for it) is the owner's only, from its first byte; what
    the person exports somewhere of their choosing is not (`private=False`: the umask decides).
    """
    folder = destination.parent
    if make_folder and private:
        private_folder(folder)
    elif make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        raise FileError(
            f"folder '{folder}' does not exist", where=str(destination), hint="create it first"
        )
    sweep_parts(destination)
    temp = folder / f".{_part_stem(destination)}.{os.getpid()}.{secrets.token_hex(4)}{PART_SUFFIX}"
    try:
        handle = os.open(
            temp,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
            PRIVATE_FILE if private else 0o666,
        )
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, str(destination)) from None
    try:
        if private:
            os.fchmod(handle, PRIVATE_FILE)  # the umask may have taken the owner's own bits
    finally:
        os.close(handle)
    try:
        with _named(destination, temp):
            yield temp
            _fsync(temp)
            temp.replace(destination)
        _fsync(folder, folder=True)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


@contextlib.contextmanager
def _named(destination: Path, temp: Path) -> Iterator[None]:
    """A fault while the part is written (a full disk) names the file the user asked for: the
    part's name means nothing to them, and a write to an open file names no file at all."""
    try:
        yield
    except OSError as exc:
        if exc.filename not in (None, str(temp)) or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(destination)) from exc


def write_text(
    destination: Path, text: str, *, make_folder: bool = False, private: bool = True
) -> None:
    """`destination` holds exactly `text` (UTF-8), written crash-safely (see `replacing`)."""
    with replacing(destination, make_folder=make_folder, private=private) as temp:
        temp.write_text(text, encoding="utf-8")


KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a link",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _regular(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
        raise FileError(f"this is {kind}, not a regular file, so it is not read")
    if info.st_size > limit:
        raise FileError(f"the file is {info.st_size} bytes, more than the {limit} it may have")


def read_regular(path: Path, limit: int, *, follow: bool = False) -> bytes:
    """The bytes of `path`, a file the person could replace (a settings file, share.json, a
    content file): read only if it is a regular file of at most `limit` bytes, else a FileError
    saying what it is (the caller names the file and says how to fix it).

    A named pipe would block the read forever, a device could be endless, a folder cannot be
    read: each is told from a stat before it is opened (opening a device may do something), and
    again from the open file, opened without blocking and without following a link, so that one
    swapped in meanwhile is refused too. Not following links is the content files' rule (a link
    may lead anywhere; voice-coach never makes its own files links); `follow` reads through
    them (a voice model's files, which model caches keep as links). An OSError (no such file,
    permission) is left to the caller."""
    _regular(path.stat() if follow else path.lstat(), limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    handle = os.open(path, flags)
    try:
        _regular(os.fstat(handle), limit)
        chunks, size = [], 0
        while chunk := os.read(handle, min(65536, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew since: still bounded
                raise FileError(f"the file is more than the {limit} bytes it may have")
        return b"".join(chunks)
    finally:
        os.close(handle)


def _read_only(info: os.stat_result, path: Path) -> bool:
    """Whether the person may not write the file: its owner's write bit when it is theirs
    (root too: root could write anything, but a 0444 file says "keep this"), else access()."""
    if info.st_uid == os.geteuid():
        return not info.st_mode & stat.S_IWUSR
    return not os.access(path, os.W_OK)


def refuse_read_only(destination: Path) -> None:
    """One line when `destination` is a read-only file: a rename would replace it without a
    word (the folder, not the file, decides whether it may be renamed over), and a read-only
    file is one its owner meant to keep. A writable file is replaced as ever; a link is
    replaced as a link (never followed, so its target's mode is not asked)."""
    try:
        info = destination.lstat()
    except OSError:
        return  # not there (or not to be seen): the write says what is wrong, if anything
    if stat.S_ISREG(info.st_mode) and _read_only(info, destination):
        raise FileError(
            "a read-only file is there, so it is not replaced",
            where=str(destination),
            hint="add --force to replace it, or choose another name",
        )
