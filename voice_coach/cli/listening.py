"""`listen-test`: what the microphone hears, and what the coach would do with it."""

from __future__ import annotations

import click


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
    header = f"Listening for {seconds} s on '{device}', {echo.mode(device)}. Say '{wake}, pause'."
    for line in trial.listen_lines(device, wake, sensitivity, seconds, header=header):
        click.echo(line)


COMMANDS = (listen_test,)
