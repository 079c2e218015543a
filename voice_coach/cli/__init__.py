"""The `voice-coach` command line: commands grouped by what they serve (session, journal, share,
listening, setup), their options, the views that print tables and pages, the real terminal, and
the one funnel every error leaves through.

Each command parses, calls one use-case and prints. What a use-case needs from the outside world
comes from the Environment on the click context. A command imports its stage when it runs, so
`--help`, `--version` and the listings start as fast as click itself.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

import click

from voice_coach import __version__
from voice_coach.cli import journal, listening, session, setup, share
from voice_coach.cli.funnel import funnel
from voice_coach.environment import Environment


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voice-coach")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Hands-free, voice-guided sciatica exercise sessions.

    Not medical advice: see `voice-coach guide` and a healthcare professional.
    """


for group in (session, journal, share, listening, setup):
    for command in group.COMMANDS:
        cli.add_command(command)


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> None:
    """Run the CLI; every failure becomes one line on stderr and an exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("VOICE_COACH_DEBUG"))
    args = [a for a in args if a != "--debug"]
    # A polite kill (SIGTERM) unwinds like Ctrl-C, so half-written files are removed on the way.
    signal.signal(signal.SIGTERM, _terminate)

    def run() -> object:
        from voice_coach.cli.terminal import real_environment

        obj = env or real_environment()
        return cli.main(args=args, prog_name="voice-coach", standalone_mode=False, obj=obj)

    code = funnel(run, debug=debug)
    if env is None:
        from voice_coach.playback.growing import leave

        leave(code)
    sys.exit(code)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


__all__ = ["cli", "main"]
