"""What the tests that open the share page as a phone does need: Debian's Chromium through
Playwright at a phone's size (never a browser Playwright downloads), and `voice-coach share`
with the fake engine in a process of its own (support/fake_share.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import voice_coach

if TYPE_CHECKING:
    from playwright.sync_api import Page

FAKE_SHARE = Path(__file__).resolve().with_name("fake_share.py")


def chromium() -> str:
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("Debian's chromium is not installed: run scripts/setup.sh --dev")


@contextmanager
def phone_page() -> Iterator[Page]:
    """A page in Chromium at a phone's size, with touch, that may play audio unasked."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=["--autoplay-policy=no-user-gesture-required", "--no-sandbox"],
        )
        try:
            yield browser.new_page(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
        finally:
            browser.close()


def fake_share(args: list[str], stdout: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    """`python fake_share.py ARGS` with this checkout's package first; stderr is a pipe."""
    return subprocess.Popen(
        [sys.executable, str(FAKE_SHARE), *args],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(voice_coach.__file__).parents[1])},
    )
