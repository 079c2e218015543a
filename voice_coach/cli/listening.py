"""`listen-test`: what the microphone hears, and what the coach would do with it."""

from __future__ import annotations

import click

from voice_coach.cli.common import say
from voice_coach.errors import inert


@click.command("listen-test")
@click.option(
    "--seconds",
    type=click.IntRange(1, 120),
    default=10,
    show_default=True,
    help="How long to listen.",
)
def listen_test(seconds: int) -> None:
    """Show what the microphone hears for a while, to tune the listen settings.

    Say "coach, pause" and a few other commands, and some ordinary sentences: each gets a
    line saying what the coach would do. Nothing is recorded or kept.
    """
    from voice_coach.journal import settings
    from voice_coach.listening import echo, trial  # the recogniser and numpy: only here
    from voice_coach.listening.recogniser import stored_wake_word

    preferences = settings.preferences()
    device = preferences.listen_device
    wake, sensitivity = stored_wake_word(), preferences.listen_sensitivity
    where = f"'{inert(device)}', {echo.mode(device)}"
    header = f"Listening for {seconds} s on {where}. Say '{inert(wake)}, pause'."
    for line in trial.listen_lines(device, wake, sensitivity, seconds, header=header):
        say(line)


COMMANDS = (listen_test,)
