"""`voice-coach share`: plan the routines, print the address and its QR code, serve until Ctrl-C.

The address carries a new random secret each run (128 bits), so a URL seen once on the home
network is useless the next day; `--keep-address` keeps the secret (and the port) of the last
run instead, for a podcast app that subscribed to the feed. Its one writable address takes the
sessions the page sends for the log (`inbox`); `--read-only` serves without it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import re
import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_coach.content.loader import resolve_target
from voice_coach.environment import Environment
from voice_coach.errors import UserError, describe, inert
from voice_coach.files import FileError, read_regular, write_text
from voice_coach.journal import settings
from voice_coach.journal.home import home
from voice_coach.session.options import SessionOptions
from voice_coach.session.prepare import library_from
from voice_coach.session.ready import prepared_with_note, ready
from voice_coach.share.cover import cover_jpeg
from voice_coach.share.feed import chapters_json, feed_xml
from voice_coach.share.inbox import Inbox
from voice_coach.share.page import page_html
from voice_coach.share.routines import (
    FORMATS,
    Routine,
    Stopped,
    Store,
    routine_of,
    shared_folder,
)
from voice_coach.share.server import Resource, ShareServer, Table

DEFAULT_PORT = 8765
HOST_HINT = "give an address of this machine with --host (see: ip address), and a port above 1023"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
STATE_HINT = "fix it, or run share without --keep-address, which writes a new one"
STATE_MOST_BYTES = 4096
"""share.json holds a secret and a port (about 50 bytes); anything this large is not it."""
STOP_WAIT_S = 10
"""On Ctrl-C, how long a render under way may take to stop and remove its partial file."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    token: str

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/{self.token}/"


def lan_host() -> str:
    """This machine's address on the home network: the one its default route leaves from
    (a UDP socket "connected" to a documentation address sends nothing), else loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _state() -> Path:
    return home() / "share.json"


def address(host: str | None, port: int | None, keep: bool) -> Address:
    """Where to serve: the last run's secret and port with `keep` (if there was a last run),
    else a new secret."""
    token, last_port = secrets.token_urlsafe(16), None
    if keep:
        saved = _saved()
        if saved is not None:
            token, last_port = saved
    return Address(host or lan_host(), port or last_port or DEFAULT_PORT, token)


def _saved() -> tuple[str, int] | None:
    """The secret and port share.json keeps, each checked (a file that is not as `remember`
    wrote it is one line naming it and the key, never a port of True or 99999)."""
    path = _state()

    def wrong(what: str) -> UserError:
        return UserError(what, where=str(path), hint=STATE_HINT)

    try:
        saved = json.loads(read_regular(path, STATE_MOST_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return None
    except FileError as exc:  # a pipe would hang the share; a device, a folder: said so
        # not "run share without --keep-address": that could not write a file there either
        raise UserError(
            exc.message,
            where=str(path),
            hint="move it away: share keeps the address for --keep-address in that file",
        ) from None
    except UnicodeDecodeError:
        raise wrong("not text (UTF-8)") from None
    except ValueError:
        raise wrong("not JSON") from None
    if not isinstance(saved, dict):
        raise wrong("not a JSON object with the keys token and port")
    for key in saved:
        if key not in ("token", "port"):
            raise wrong(f"unknown key '{key[:30]}' (only token and port)")
    for key in ("token", "port"):
        if key not in saved:
            raise wrong(f"key '{key}' is missing (the file needs both token and port)")
    token, port = saved["token"], saved["port"]
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise wrong(f"key 'token' must be 22 letters, digits, - or _, not {_shown(token)}")
    if type(port) is not int or not 1 <= port <= 65535:  # `true` is an int to Python
        raise wrong(f"key 'port' must be a whole number from 1 to 65535, not {_shown(port)}")
    return token, port


def _shown(value: object) -> str:
    """A value from the file as JSON, cut short (the funnel makes it inert)."""
    text = json.dumps(value)
    return text if len(text) <= 30 else text[:27] + "..."


def remember(chosen: Address) -> None:
    write_text(
        _state(), json.dumps({"token": chosen.token, "port": chosen.port}) + "\n", make_folder=True
    )


def qr_code(url: str) -> str:
    """The address as a QR code in text (two rows of modules a line), for a phone's camera."""
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def table(
    routines: Sequence[Routine],
    store: Store,
    base: str,
    title: str,
    disclaimer: str,
    *,
    inbox: Inbox | None,
) -> Table:
    """Every URL `share` answers, by name: the page, the feed, each routine's files, and the
    log's address when there is an `inbox` (none with --read-only). Names are made here from
    checked ids; a request can only pick one of them."""
    form = inbox is not None
    resources: dict[str, Resource] = {
        "": Resource(
            "text/html; charset=utf-8",
            body=lambda: page_html(routines, base, title, disclaimer, log_form=form),
        ),
        "cover.jpg": Resource("image/jpeg", body=functools.partial(cover_jpeg, title)),
        "feed.xml": Resource(
            "application/rss+xml; charset=utf-8",
            body=lambda: feed_xml(
                routines, store.all_ready(routines, "mp3"), base, title, disclaimer, log_form=form
            ),
        ),
    }
    if inbox is not None:
        resources["log"] = Resource("application/json", post=inbox.post)
    for routine in routines:
        resources[f"{routine.id}.chapters.json"] = Resource(
            "application/json+chapters", body=functools.partial(chapters_json, routine)
        )
        for fmt, kind in FORMATS.items():
            resources[f"{routine.id}.{fmt}"] = Resource(
                kind, file=functools.partial(store.file, routine, fmt)
            )
    return resources.get


def open_server(chosen: Address, serve: Table, log: Callable[[str], None]) -> ShareServer:
    try:
        return ShareServer((chosen.host, chosen.port), chosen.token, serve, log)
    except (socket.gaierror, UnicodeError, TypeError):  # the last two: a name IDNA cannot encode
        raise UserError(
            f"'{inert(chosen.host)}' is not an address", where="--host", hint=HOST_HINT
        ) from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(
                f"port {chosen.port} on {chosen.host} is already in use",
                where="--port",
                hint="choose another with --port N, or stop the program that uses it",
            ) from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES, errno.EPERM):
            raise UserError(
                f"cannot serve on {chosen.host}:{chosen.port}: {exc.strerror}",
                where="--host" if exc.errno == errno.EADDRNOTAVAIL else "--port",
                hint=HOST_HINT,
            ) from None
        raise


@dataclass(frozen=True)
class ShareRequest:
    host: str | None = None
    port: int | None = None
    keep_address: bool = False
    read_only: bool = False
    """No address to write to: the page asks nothing for the log."""


def share(
    target: Sequence[str], options: SessionOptions, request: ShareRequest, env: Environment
) -> None:
    """Print the address, plan each routine (synthesising what the voice cache lacks), then
    serve them until Ctrl-C; the MP3s are rendered in the background meanwhile, the M4Bs when
    first asked."""
    library = library_from(options.content_dirs)
    targets = list(dict.fromkeys(target)) or list(library.playlists)  # `share X X` serves X once
    for one in targets:
        resolve_target(library, [one])  # an unknown id is said before anything else
    settings.preferences()  # and so is a broken settings file
    chosen = address(request.host, request.port, request.keep_address)
    server = open_server(chosen, lambda name: None, env.note)  # a taken port is said at once
    with contextlib.suppress(OSError):  # a read-only home: the address is just not kept
        remember(chosen)
    count = f"{len(targets)} routine{'s' if len(targets) != 1 else ''}"
    # The address first: the phone can scan it while the routines are prepared (its request
    # waits in the queue until they are).
    env.echo(
        f"Sharing {count} at {inert(chosen.url)} (scan the code with your phone; Ctrl-C stops)"
    )
    env.echo(qr_code(chosen.url))
    if chosen.host.startswith("127."):
        env.note("voice-coach: note: only this computer can reach that address; give --host")
    try:
        routines = []
        for one in targets:
            prepared = prepared_with_note([one], options, env, for_file=True)
            routines.append(routine_of(prepared, ready(prepared, env)))
    except BaseException:
        server.server_close()
        raise
    programme = library.programme
    store = Store(shared_folder(), env.note)
    try:
        store.prune(routines)  # other variants' files, and parts of runs that were killed
        inbox = (
            None
            if request.read_only
            else Inbox({r.id: r.exercises for r in routines}, library.exercises)
        )
        server.table = table(
            routines, store, chosen.url, programme.title, programme.disclaimer, inbox=inbox
        )
        threading.Thread(target=_render_all, args=(store, routines, env), daemon=True).start()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (the command line makes it one)
        env.echo("Stopped sharing.")
    finally:
        server.server_close()
        if not store.stop(STOP_WAIT_S):
            env.note("voice-coach: note: a render did not stop in time; the next share removes it")


def _render_all(store: Store, routines: Sequence[Routine], env: Environment) -> None:
    """The MP3s ahead of the first request (the feed lists their sizes); then what no routine
    serves is removed."""
    try:
        store.all_ready(routines, "mp3")
        store.prune(routines)
    except Stopped:
        pass  # share is stopping: its partial file is gone already
    except Exception as exc:  # said once; a request for the file will try again and say why
        env.note(f"voice-coach: could not render ahead: {describe(exc)}")
