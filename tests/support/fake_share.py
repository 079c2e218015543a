"""`voice-coach ARGS` in a process of its own with the fake engine (tone bursts for speech): a
real `share` server with real signals and real ffmpeg renders, without a speech engine's
start-up or synthesis. Used by the share tests that signal a process, and by
scripts/share_load.py.

Run: python tests/support/fake_share.py [--endless-render] share TARGET... --host 127.0.0.1 ...

With --endless-render a render never ends on its own (after its audio, silence goes on), and
"fake render: midway" is printed on stderr once its partial file exists, so a test can stop
`share` in the middle of one.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.fakes import RATE, FakeEngine, fake_selector
from voice_coach.audio import export
from voice_coach.cli import main
from voice_coach.environment import Environment


def endless(real: Callable[..., Iterator[bytes]]) -> Callable[..., Iterator[bytes]]:
    def render(*args: Any, **kwargs: Any) -> Iterator[bytes]:
        yield from real(*args, **kwargs)
        print("fake render: midway", file=sys.stderr, flush=True)
        paced = threading.Event()
        while True:  # a second of silence every 10 ms: ffmpeg is kept busy, not flooded
            paced.wait(0.01)
            yield bytes(2 * RATE)

    return render


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--endless-render"]:
        args = args[1:]
        export.render = endless(export.render)  # type: ignore[attr-defined]
    main(args, Environment(select_engine=fake_selector(FakeEngine())))
