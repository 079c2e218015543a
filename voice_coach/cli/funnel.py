"""The one funnel every command leaves through: whatever a command raises becomes one line on
stderr and an exit status (errors.ExitStatus), so no traceback reaches a person unless --debug."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from voice_coach.cli.common import say
from voice_coach.errors import ExitStatus, UserError, one_line, os_fault


def _say(text: str) -> None:
    say(f"voice-coach: {text}", err=True)


def funnel(run: Callable[[], object], *, debug: bool) -> int:
    """Run the command; turn whatever it raises into one line on stderr and an exit status.

    A user's mistake is exit 1 (2 for a usage mistake), Ctrl-C is 130, and anything else is our
    bug: exit 70 with a line asking for a report. `debug` re-raises instead, for the traceback.
    """
    try:
        result = run()
        return result if isinstance(result, int) else ExitStatus.OK
    except (click.exceptions.Abort, KeyboardInterrupt):
        _say("stopped")
        return ExitStatus.INTERRUPTED
    except click.ClickException as exc:
        if debug:
            raise
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if isinstance(ctx, click.Context) else "voice-coach"
        _say(f"error: {one_line(exc.format_message())} (see '{command} --help')")
        return ExitStatus.USAGE
    except UserError as exc:
        if debug:
            raise
        _say(f"error: {one_line(str(exc))}")
        return exc.status
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) left; nothing more to say
        return ExitStatus.OK
    except OSError as exc:
        fault = os_fault(exc)
        if debug or fault is None:
            if debug:
                raise
            return _internal(exc)
        _say(f"error: {one_line(fault)}")
        return ExitStatus.ERROR
    except Exception as exc:
        if debug:
            raise
        return _internal(exc)


def _internal(exc: BaseException) -> int:
    _say(
        f"error: internal error: {type(exc).__name__}: {one_line(str(exc))} "
        "(run again with --debug for the traceback, and please report it)"
    )
    return ExitStatus.INTERNAL
