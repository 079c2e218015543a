"""Small wrong changes that the test suite must catch: each is applied in turn to a copy of
the package, the tests that guard it run, and a surviving mutant is reported.

Usage: .venv/bin/python scripts/mutants.py   (prints a table; exit 1 if any mutant survives)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MUTANTS = [
    (
        "the music ducked only 5 dB under the words",
        "voice_coach/audio/mix.py",
        "DUCK_DB = -12.0",
        "DUCK_DB = -5.0",
        "tests/audio/test_mix.py",
    ),
    (
        "the music ducked when the word starts, not before",
        "voice_coach/audio/mix.py",
        "        before = (here >= span.start - down) & (here < span.start)\n",
        "        before = (here >= span.start) & (here < span.start)\n",
        "tests/audio/test_mix.py",
    ),
    (
        "the limiter's ceiling at full scale",
        "voice_coach/speech/loudness.py",
        "CEILING_DBTP = -2.0",
        "CEILING_DBTP = 0.0",
        "tests/speech/test_loudness.py",
    ),
    (
        "the K-weighting's high shelf left out",
        "voice_coach/speech/loudness.py",
        "    return [shelf, high_pass]",
        "    return [high_pass]",
        "tests/speech/test_loudness.py",
    ),
    (
        "easier holds at 3/4 instead of 2/3",
        "voice_coach/plan/timeline.py",
        "EASIER_HOLD = 2 / 3",
        "EASIER_HOLD = 3 / 4",
        "tests/plan/test_plan.py",
    ),
    (
        "the LAME tag's CRC written as 0",
        "voice_coach/audio/lametag.py",
        'stream.write(_crc16(bytes(tag.span(bytes(patched)))).to_bytes(2, "big"))',
        'stream.write((0).to_bytes(2, "big"))',
        "tests/audio/test_lametag.py",
    ),
    (
        "the CTOC child list reversed",
        "voice_coach/audio/export.py",
        "child_element_ids=ids,",
        "child_element_ids=ids[::-1],",
        "tests/audio/test_lametag.py",
    ),
    (
        "the internal-error exit 70 changed to 1",
        "voice_coach/errors.py",
        "INTERNAL = 70",
        "INTERNAL = 1",
        "tests/cli/test_cli.py",
    ),
    (
        "`p` late in an exercise going back a whole exercise",
        "voice_coach/playback/states.py",
        "back = here if into > RESTART_WITHIN_S or here == 0 else here - 1",
        "back = here if here == 0 else here - 1",
        "tests/playback/test_session.py",
    ),
    (
        "the streak never counting past 1",
        "voice_coach/journal/stats.py",
        "        count += 1\n",
        "        count = 1\n",
        "tests/journal/test_personal.py",
    ),
    (
        "`recommend` sorted backwards",
        "voice_coach/journal/recommend.py",
        "key=lambda r: (-r.score, -r.better, r.exercise)",
        "key=lambda r: (r.score, r.better, r.exercise)",
        "tests/journal/test_personal.py",
    ),
    (
        "the own-voice margin set to 0",
        "voice_coach/playback/ownvoice.py",
        "MARGIN_S = 0.35",
        "MARGIN_S = 0",
        "tests/listening/test_listening.py",
    ),
    (
        "a close call between two actions obeyed",
        "voice_coach/listening/recogniser.py",
        "    if heard.margin < MARGIN or odds < needed - confidence.DOUBT:\n",
        "    if odds < needed - confidence.DOUBT:\n",
        "tests/listening/test_recogniser.py",
    ),
    (
        "`share` sends a byte past a 206's length",
        "voice_coach/share/server.py",
        "_copy(file, self.wfile, first, last - first + 1)",
        "_copy(file, self.wfile, first, last - first + 2)",
        "tests/share/test_share_server.py",
    ),
    (
        "the programme's title unescaped in the page",
        "voice_coach/share/page.py",
        "title=escape(title)",
        "title=title",
        "tests/share/test_share.py",
    ),
    (
        "the disclaimer unescaped in the feed",
        "voice_coach/share/feed.py",
        "<description>{escape(disclaimer)}</description>",
        "<description>{disclaimer}</description>",
        "tests/share/test_share.py",
    ),
    (
        "`log edit` changing every session",
        "voice_coach/journal/log.py",
        'db.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, ident))',
        'db.execute(f"UPDATE sessions SET {column} = ? WHERE id = ? OR 1", (value, ident))',
        "tests/cli/test_log_commands.py",
    ),
    (
        "`log rm` removing the earlier sessions too",
        "voice_coach/journal/log.py",
        'db.execute("DELETE FROM sessions WHERE id = ?", (ident,))',
        'db.execute("DELETE FROM sessions WHERE id <= ?", (ident,))',
        "tests/cli/test_log_commands.py",
    ),
    (
        "the short coach after one session, not three",
        "voice_coach/journal/stats.py",
        "FAMILIAR_AFTER = 3\n",
        "FAMILIAR_AFTER = 1\n",
        "tests/plan/test_fidelity.py",
    ),
    (
        "`share` taking a session from another site",
        "voice_coach/share/writes.py",
        "    if sent[0] == own:\n",
        "    if True:\n",
        "tests/share/test_share_log.py",
    ),
    (
        "a session the phone sends again logged again",
        "voice_coach/journal/log.py",
        '"SELECT session_id FROM phone_sends WHERE id = ?"',
        '"SELECT session_id FROM phone_sends WHERE id = ? AND 0"',
        "tests/share/test_share_log.py",
    ),
    (
        "no limit to the phone's writes a minute",
        "voice_coach/share/writes.py",
        "if len(self._times) >= self.most:",
        "if len(self._times) >= self.most * 100:",
        "tests/share/test_share_log.py",
    ),
]


def main() -> int:
    survivors = 0
    print(f"{'mutant':<45} {'tests':<36} result")
    for name, path, old, new, tests in MUTANTS:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "voice-coach"
            shutil.copytree(
                ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "audio_cache")
            )
            target = copy / path
            text = target.read_text(encoding="utf-8")
            if old not in text:
                print(f"{name:<45} {tests:<36} NOT APPLIED (the code changed: update this script)")
                survivors += 1
                continue
            target.write_text(text.replace(old, new, 1), encoding="utf-8")
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-x",
                    "-p",
                    "no:cacheprovider",
                    tests,
                    "-m",
                    "not sound",
                    "-k",
                    "not pseudo_terminal",
                ],
                cwd=copy,
                env={**os.environ, "PYTHONPATH": str(copy)},
                capture_output=True,
                text=True,
            )
            killed = done.returncode != 0
            survivors += not killed
            print(f"{name:<45} {tests:<36} {'killed' if killed else 'SURVIVED'}")
    print(f"\n{len(MUTANTS) - survivors} of {len(MUTANTS)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
