"""The commands about the person rather than a session: settings (`config`), the session log
(`log`), `progress` and `recommend`. Registered on the main group."""

from __future__ import annotations

from pathlib import Path

import click

from voice_coach.cli.common import HomePath, content_option, print_json, say
from voice_coach.cli.options import pass_env, rating_options
from voice_coach.environment import Environment
from voice_coach.errors import UserError, inert


@click.group("config")
def config_group() -> None:
    """Your settings, stored once (command-line options still win)."""


@config_group.command("list")
def config_list() -> None:
    """Every setting: its value, and whether it is yours or the default."""
    from voice_coach.cli import views
    from voice_coach.journal import settings

    say(views.settings_table(settings.load_raw()))
    say(f"\nfile: {inert(str(settings.config_path()))}")


@config_group.command("get")
@click.argument("key")
def config_get(key: str) -> None:
    """Print one setting."""
    from voice_coach.cli.setting_checks import LIGHT_CHECKS
    from voice_coach.journal import settings

    value = settings.value_of(key)
    say("" if value is None else inert(settings.as_typed(value)))
    check = LIGHT_CHECKS.get(settings.key_named(key).name)
    if check is not None and value is not None:
        try:  # as `config list` marks it: the value is printed, and why it would be refused
            check(value)
        except UserError as exc:
            say(f"voice-coach: note: {inert(exc.message)} (run: config unset {key})", err=True)


def _no_option(ctx: click.Context, param: click.Parameter, key: str) -> str:
    """Unknown options pass through (so a VALUE may be negative); a KEY never starts with '-',
    so one that does is the option it looks like, said as such."""
    if key.startswith("-"):
        raise click.NoSuchOption(key, ctx=ctx)
    return key


@config_group.command(
    # Unknown options pass through, so a bundle with an h in it ("-5h") must not be -h, help
    "set",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
)
@click.argument("key", callback=_no_option)
@click.argument("value")
@pass_env
def config_set(env: Environment, key: str, value: str) -> None:
    """Store a setting, e.g. `config set side left`; checked against what will use it."""
    # A negative VALUE ("-1") is a value to check and refuse with its reason, not an option.
    from voice_coach.cli.setting_checks import checked, note_after_storing
    from voice_coach.journal import settings

    stored = settings.store(key, value, lambda k, v: checked(k, v, env))
    say(f"{key} = {inert(settings.as_typed(stored))}")  # as typed: on, not True
    note = note_after_storing(key, stored)
    if note is not None:
        say(f"voice-coach: note: {note}", err=True)


@config_group.command("unset")
@click.argument("key")
def config_unset(key: str) -> None:
    """Forget a setting (its default applies again)."""
    from voice_coach.journal import settings

    settings.forget(key)
    say(f"{inert(key)} is back to its default")


@click.group("log")
def log_group() -> None:
    """The session log: add a session done away from the computer, list, correct or remove."""


@log_group.command("add")
@click.argument("target", nargs=-1, required=True)
@click.option("--date", "day", help="The day of the session, YYYY-MM-DD [default: today].")
@rating_options
@content_option
def log_add(
    target: tuple[str, ...],
    day: str | None,
    pain_before: int | None,
    pain_after: int | None,
    effects: tuple[str, ...],
    content_dirs: tuple[Path, ...],
) -> None:
    """Log a session done with the exported audio (all of TARGET counts as done)."""
    from voice_coach.cli import log_entry
    from voice_coach.content.loader import resolve_target
    from voice_coach.journal import log
    from voice_coach.session.prepare import library_from

    ids, playlist = resolve_target(library_from(content_dirs), target)
    name = playlist.id if playlist else " ".join(ids)
    entry = log_entry.manual_entry(ids, name, day, pain_before, pain_after, effects)
    with log_entry.as_typed():
        log.add(entry)
    say(f"logged {inert(entry.target)} on {entry.day.isoformat()}")


@log_group.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print {"sessions": [...]} as JSON.')
def log_list(as_json: bool) -> None:
    """Every logged session with its id (for `log edit` and `log rm`)."""
    from voice_coach.cli import views
    from voice_coach.journal import record

    read = record.contents()
    _note(read.note)
    found = read.contents
    if as_json:
        sessions = [views.entry_json(e) for e in found.entries]
        print_json({"sessions": sessions, "unreadable": [views.bad_json(b) for b in found.bad]})
    else:
        say(views.log_table(found.entries, found.bad))


@log_group.command("rm")
@click.argument("ident", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask first.")
@pass_env
def log_rm(env: Environment, ident: int, yes: bool) -> None:
    """Remove one logged session (asks first unless --yes)."""
    from voice_coach.cli import log_entry
    from voice_coach.journal import log

    what = log_entry.named(log_entry.find(ident))
    if not yes:
        if not env.can_ask:
            raise click.UsageError(f"to remove {what} without a terminal, add --yes")
        if not env.prompter.confirm(f"Remove {what} from your log?", False):
            say("kept")
            return
    with log_entry.as_typed():
        log.remove(ident)
    say(f"removed {what}")


@log_group.command("edit")
@click.argument("ident", metavar="ID", type=int)
@click.option("--date", "day", help="The day of the session, YYYY-MM-DD.")
@rating_options
def log_edit(
    ident: int,
    day: str | None,
    pain_before: int | None,
    pain_after: int | None,
    effects: tuple[str, ...],
) -> None:
    """Correct one logged session: its date, pain or how an exercise felt."""
    from voice_coach.cli import log_entry, views
    from voice_coach.journal.entries import Entry

    found = log_entry.edit(ident, day, pain_before, pain_after, effects)
    if isinstance(found, Entry):
        say(views.log_table([found]))
    else:
        say(views.log_table([], [found]))


@click.command()
@click.option("--json", "as_json", is_flag=True, help='Print {"sessions": [...]} as JSON.')
@click.option(
    "--plot",
    type=HomePath(path_type=Path, dir_okay=False),
    help="Also draw the pain trend into this PNG file.",
)
def progress(as_json: bool, plot: Path | None) -> None:
    """Your sessions, the pain trend and your streak; and when to see a professional."""
    from voice_coach.cli import views
    from voice_coach.journal import charts, log, record, stats
    from voice_coach.plan.timeline import SEE_PROFESSIONAL

    # a chart of a log that cannot be read: its one line as the error, and nothing drawn
    read = record.Found(log.read(repair=False)) if plot is not None else record.contents()
    _note(read.note or record.unreadable_note(read.contents.bad))
    entries = read.entries
    advice = stats.time_to_see_a_professional(entries)
    if as_json:
        sessions = [views.entry_json(e) for e in entries]
        streak = stats.streak(entries)
        print_json({"sessions": sessions, "streak_days": streak, "see_a_professional": advice})
    else:
        say(views.progress_page(entries, stats.streak(entries)))
        if advice:
            say("\n" + SEE_PROFESSIONAL)
    if plot is not None:
        charts.plot_pain(entries, plot)
        if not as_json:
            say(f"wrote {inert(str(plot))}")


@click.command("recommend")
@click.option("--json", "as_json", is_flag=True, help="Print the chosen exercise ids as JSON.")
@content_option
def recommend_command(as_json: bool, content_dirs: tuple[Path, ...]) -> None:
    """Rank the exercises by how they made you feel and save the best as playlist `my-plan`."""
    from voice_coach.cli import views
    from voice_coach.journal import log, recommend, record
    from voice_coach.session.prepare import library_from

    found = log.read(repair=False)  # a log that cannot be read: its one line, my-plan kept
    known = library_from(content_dirs).exercises
    unknown = recommend.unknown(found.entries, known)
    ranked = recommend.rank(found.entries, known)
    chosen = recommend.keep(ranked)
    path = recommend.save_plan(chosen, unknown)  # with nothing to save, the one error
    _note(record.unreadable_note(found.bad))
    if unknown:
        _note(
            "left out, as this content does not have them: " + ", ".join(unknown)
            + " (rated with another --content-dir? give it to recommend too)"
        )  # fmt: skip
    if as_json:
        print_json({"playlist": recommend.MY_PLAN, "exercises": chosen})
        return
    say(views.recommend_table(ranked, chosen))
    saved = f"saved playlist '{recommend.MY_PLAN}' ({inert(str(path))})"
    say(f"\n{saved}; try: voice-coach play my-plan")


def _note(note: str | None) -> None:
    """One line on stderr: the log could not be read, or sessions in it were left out."""
    if note:
        say(f"voice-coach: note: {note}", err=True)


COMMANDS = (config_group, log_group, progress, recommend_command)
