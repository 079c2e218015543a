"""The `voice-coach` command line: commands grouped by what they serve (session, journal, share,
listening, setup), their options, the views that print tables and pages, the real terminal, and
the one funnel every error leaves through.

Each command parses, calls one use-case and prints. What a use-case needs from the outside world
comes from the Environment on the click context. A command imports its stage when it runs, so
`--help`, `--version` and the listings start as fast as click itself.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import os
import signal
import sys
from collections.abc import Sequence

import click

from voice_coach import __version__
from voice_coach.cli.funnel import funnel
from voice_coach.environment import Environment
from voice_coach.errors import ExitStatus

GROUPS = {
    "content": ("causes", "exercises", "show", "guide"),
    "session": ("plan", "play", "export", "choose"),
    "journal": ("config", "log", "progress", "recommend"),
    "share": ("share",),
    "listening": ("listen-test",),
    "setup": ("voices", "cache", "doctor"),
}
"""Each command's module (voice_coach.cli.<group>): imported only when the command runs (or
`--help` lists it), so a listing never loads the session's options or the journal."""


class LazyGroup(click.Group):
    """A group whose commands are found in their modules on first use (click's own recipe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for names in GROUPS.values() for name in names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for group, names in GROUPS.items():
            if cmd_name in names:
                module = importlib.import_module(f"voice_coach.cli.{group}")
                found: dict[str, click.Command] = {c.name or "": c for c in module.COMMANDS}
                return found[cmd_name]
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Hands-free, voice-guided sciatica exercise sessions.

    Not medical advice: see `voice-coach guide` and a healthcare professional.
    """


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> None:
    """Run the CLI; every failure becomes one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("VOICE_COACH_DEBUG"))
    args = [a for a in args if a != "--debug"]
    # A polite kill (SIGTERM) unwinds like Ctrl-C, so half-written files are removed on the way.
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C stops a session even when whatever started us ignores it (a shell's `&`, some CI
    # runners): a process that inherits an ignored SIGINT gets no KeyboardInterrupt from Python,
    # and the person at the terminal would press Ctrl-C in vain.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # `kill -USR1 PID` prints every thread's stack, so a hang can be looked into; only where
    # stderr is a real file (not when a test or a caller has replaced it).
    with contextlib.suppress(AttributeError, OSError, ValueError):
        faulthandler.register(signal.SIGUSR1, file=sys.stderr.fileno(), all_threads=True)

    def run() -> object:
        from voice_coach.cli.terminal import real_environment

        obj = env or real_environment()
        return cli.main(args=args, prog_name="voice-coach", standalone_mode=False, obj=obj)

    code = funnel(run, debug=debug)
    if env is None and "voice_coach.playback.growing" in sys.modules:
        from voice_coach.playback.growing import leave  # a session may still be planning

        leave(code)
    if env is None and code == ExitStatus.INTERRUPTED:
        # Ctrl-C wants the prompt back at once: tearing down a loaded voice model can take a
        # second on a busy machine, and every file is already whole.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


__all__ = ["cli", "main"]
