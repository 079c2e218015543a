"""voice-coach installs like any Python tool: the wheel carries the programme and the page, and
an installed copy works from any folder, with no checkout beside it and nothing written where it
runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_list_names_every_package() -> None:
    """pyproject.toml lists the packages by hand (to map content/ in as voice_coach.programme):
    a new subpackage missing from it would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "voice_coach").rglob("__init__.py")
    }
    assert listed == found | {"voice_coach.programme"}
    assert config["tool"]["setuptools"]["package-dir"] == {"voice_coach.programme": "content"}


def test_the_programme_is_read_as_package_data() -> None:
    from voice_coach.content.loader import BUILTIN_CONTENT

    assert BUILTIN_CONTENT.resolve() == (ROOT / "content").resolve()  # in a checkout
    assert (BUILTIN_CONTENT / "programme.yaml").is_file()


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.wheel
def test_a_wheel_installed_in_a_fresh_virtualenv_works_from_any_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT, dict(os.environ))
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    _run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels + sdists)],
        ROOT,
        {**os.environ},
    )
    names = zipfile.ZipFile(wheels[0]).namelist()
    for shipped in (
        "voice_coach/programme/programme.yaml",
        "voice_coach/programme/pronunciation.yaml",
        "voice_coach/programme/exercises/sciatic-nerve.yaml",
        "voice_coach/share/page.html",
        "voice_coach/listening/kws.npz",
        "voice_coach/listening/kws-2.npz",
    ):
        assert shipped in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VOICE_COACH", "PYTHON"))}
    _run([python, "-m", "pip", "install", "-q", str(wheels[0])], tmp_path, clean)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    env = clean | {"VOICE_COACH_HOME": str(home)}
    coach = str(env_dir / "bin" / "voice-coach")
    assert "disc-bulge" in _run([coach, "causes"], elsewhere, env)
    assert "Urgent warning signs" in _run([coach, "guide"], elsewhere, env)
    planned = _run([coach, "plan", "pelvic-tilts", "--engine", "pyttsx3", "--json"], elsewhere, env)
    assert '"pelvic-tilts"' in planned
    out = tmp_path / "short.wav"
    _run([coach, "export", "pelvic-tilts", "--engine", "pyttsx3", "-o", str(out)], elsewhere, env)
    assert out.stat().st_size > 100_000
    assert list(elsewhere.iterdir()) == []  # nothing written where it ran
    assert any((home / "cache").rglob("*.cue"))  # the cue cache is the user's, not a checkout's
    site = env_dir / "lib"
    assert not list(site.rglob("audio_cache"))
