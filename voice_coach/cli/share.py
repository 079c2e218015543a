"""`share`: the routines to a phone on the home network."""

from __future__ import annotations

import click

from voice_coach.cli.common import WholeNumber
from voice_coach.cli.options import pass_env, session_options
from voice_coach.environment import Environment
from voice_coach.session.options import SessionOptions


@click.command()
@click.argument("target", nargs=-1)
@click.option("--host", help="The address to serve on [default: this machine's on the network].")
@click.option("--port", type=WholeNumber(1, 65535), help="The port [default: 8765].")
@click.option(
    "--keep-address",
    is_flag=True,
    help="Keep the last run's secret address (for a podcast app that subscribed).",
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Take nothing from the phone: the page asks no questions for your log.",
)
@session_options
@pass_env
def share(
    env: Environment,
    target: tuple[str, ...],
    host: str | None,
    port: int | None,
    keep_address: bool,
    read_only: bool,
    options: SessionOptions,
) -> None:
    """Serve the routines to your phone on the home network, until Ctrl-C.

    A page with a player and chapters, a podcast feed, and MP3 and M4B downloads: every
    routine (or TARGET...), at one secret address shown as a QR code. The page asks your
    pain before and after, and how each exercise felt, and saves the answers to your log.
    """
    from voice_coach.share.app import ShareRequest
    from voice_coach.share.app import share as serve

    serve(target, options, ShareRequest(host, port, keep_address, read_only), env)


COMMANDS = (share,)
