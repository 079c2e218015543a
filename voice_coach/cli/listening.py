"""`listen-test`: what the microphone hears, and what the coach would do with it."""

from __future__ import annotations

import click

from voice_coach.cli.common import WholeNumber, say
from voice_coach.errors import inert


@click.command("listen-test")
@click.option(
    "--seconds",
    type=WholeNumber(1, 120),
    default=10,
    show_default=True,
    help="How long to listen.",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Say each command twice when asked; the coach sets listen_sensitivity from your voice.",
)
def listen_test(seconds: int, calibrate: bool) -> None:
    """Show what the microphone hears for a while, to tune the listen settings.

    Say "coach, pause" and a few other commands, and some ordinary sentences: each gets a
    line saying what the coach would do. With --calibrate it asks for each command twice,
    says which it caught, and stores the sensitivity that suits your voice. Nothing is
    recorded or kept but that setting.
    """
    from voice_coach.journal import settings
    from voice_coach.listening import echo, trial  # the recogniser and numpy: only here
    from voice_coach.listening.recogniser import stored_wake_word

    preferences = settings.preferences()
    device = preferences.listen_device
    wake, sensitivity = stored_wake_word(), preferences.listen_sensitivity
    if calibrate:
        _calibrate(device, wake, sensitivity, preferences.listen_voice_fit)
        return
    where = f"'{inert(device)}', {echo.mode(device)}"
    header = f"Listening for {seconds} s on {where}. Say '{inert(wake)}, pause'."
    lines = trial.listen_lines(
        device,
        wake,
        sensitivity,
        seconds,
        header=header,
        said_again=preferences.listen_said_again,
        fit=preferences.listen_voice_fit,
    )
    for line in lines:
        say(line)


def _calibrate(device: str, wake: str, sensitivity: float, fit: int) -> None:
    from voice_coach.journal import settings
    from voice_coach.listening import calibration, trial

    header = (
        f"Calibrating on '{inert(device)}': say each command when asked, as you would on the mat."
    )
    result = calibration.Calibration(wake, fit=fit)
    for line in trial.calibration_lines(device, header, result):
        say(line)
    for line in calibration.summary(result, sensitivity):
        say(line)
    chosen = result.sensitivity(sensitivity)
    if chosen is None:
        say(f"listen_sensitivity stays {sensitivity:g}.")
        return
    settings.store("listen_sensitivity", f"{chosen:g}")
    if result.fit == fit:
        say(
            f"listen_sensitivity: {sensitivity:g} -> {chosen:g} (stored; "
            f"voice-coach config set listen_sensitivity {sensitivity:g} puts it back)."
        )
        return
    # the sensitivity was set from the answers heard with the new fit: the two go together
    settings.store("listen_voice_fit", str(result.fit))
    say(
        f"listen_sensitivity: {sensitivity:g} -> {chosen:g} and listen_voice_fit: {fit} -> "
        f"{result.fit} (stored; voice-coach config set listen_sensitivity {sensitivity:g}, then "
        f"voice-coach config set listen_voice_fit {fit}, puts both back)."
    )


COMMANDS = (listen_test,)
