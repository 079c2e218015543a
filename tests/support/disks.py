"""Disks and permissions that really refuse, even to root (the tests run as root): a small tmpfs
that fills up, and the file permissions root would otherwise override.

`small_disk` mounts a tmpfs of a few hundred kilobytes and `fill` writes it full, so a write
fails with ENOSPC as on a full disk. `as_a_user` drops, for the calling thread only, the
capabilities that let root ignore a file's permission bits (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH), so a 0444 file is read-only as it is for the person; the in-process CLI
runs on that thread. Both skip the test where they cannot be had (no mount allowed), rather
than pass without having tested anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "512k") -> Iterator[Path]:
    """`folder` as the mount point of a tmpfs of `size` for the duration, for a disk that
    really fills up; skipped unless this runs as root, who may mount one."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small disk needs root")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Write `folder`'s file system full: the next write of any size fails with ENOSPC."""
    with (folder / "filler").open("wb", buffering=0) as filler:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    filler.write(b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_VERSION_3 = 0x20080522
_DAC_OVERRIDE, _DAC_READ_SEARCH = 1, 2


def _caps(call: str, data: ctypes.Array[_Data]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    header = _Header(_VERSION_3, 0)
    if getattr(libc, call)(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), f"{call} failed")


@contextlib.contextmanager
def as_a_user() -> Iterator[None]:
    """File permissions apply to this thread as to anyone (as they already do unless root)."""
    if os.geteuid() != 0:
        yield
        return
    saved = (_Data * 2)()
    _caps("capget", saved)
    lowered = (_Data * 2)()
    ctypes.memmove(lowered, saved, ctypes.sizeof(saved))
    lowered[0].effective &= ~((1 << _DAC_OVERRIDE) | (1 << _DAC_READ_SEARCH))
    _caps("capset", lowered)
    try:
        yield
    finally:
        _caps("capset", saved)
