"""Who holds the share server's connections, and who gives one up when they run out.

Each connection holds a thread, so their number is capped: in all, and per client address (one
machine on the network cannot take every slot). A connection still waiting for its request (a
head that trickles in, or a keep-alive connection between requests) is only promised a slot
until someone needs it: a newcomer over the cap takes the slot of the connection that has waited
longest, from its own address if that address is at its cap, else from the address holding the
most. A phone sends its whole request at once, so it is answered while a flood of silent or
trickling connections from anywhere only pushes its own members out. Only connections being
answered (a download) are never cut; a newcomer finding nothing to take is closed at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol


class Connection(Protocol):
    def shutdown(self, how: int, /) -> None: ...


@dataclass
class _Held:
    client: str
    waiting_since: int | None
    """When it began waiting for a request (a count, not a time); None while being answered."""


class Slots:
    def __init__(self, most: int, most_per_client: int) -> None:
        self.most = most
        self.most_per_client = most_per_client
        self._lock = threading.Lock()
        self._held: dict[Connection, _Held] = {}
        self._tick = 0

    def _now(self) -> int:
        self._tick += 1
        return self._tick

    def admit(self, connection: Connection, client: str) -> bool:
        """Whether `connection` may be served; if the caps are reached, the connection that has
        waited longest (at this address, or at the busiest one) is hung up to make room."""
        with self._lock:
            per_client = Counter(held.client for held in self._held.values())
            if per_client[client] < self.most_per_client and len(self._held) < self.most:
                self._held[connection] = _Held(client, self._now())
                return True
            waiting = [(c, h) for c, h in self._held.items() if h.waiting_since is not None]
            if per_client[client] >= self.most_per_client:
                waiting = [(c, h) for c, h in waiting if h.client == client]
            if not waiting:
                return False
            victim, _ = min(waiting, key=lambda p: (-per_client[p[1].client], p[1].waiting_since))
            self._hang_up(victim)
            self._held[connection] = _Held(client, self._now())
            return True

    def _hang_up(self, connection: Connection) -> None:
        del self._held[connection]
        # Its thread wakes to an end of stream and leaves; it closes the socket only after
        # `leave`, which waits for this lock, so the socket is still its own here.
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    def answering(self, connection: Connection) -> bool:
        """The connection's request has arrived: it keeps its slot until answered. False if it
        was hung up meanwhile (then it must not be answered)."""
        with self._lock:
            held = self._held.get(connection)
            if held is None:
                return False
            held.waiting_since = None
            return True

    def waiting(self, connection: Connection) -> None:
        """The connection waits for its next request: its slot may be taken from now on."""
        with self._lock:
            held = self._held.get(connection)
            if held is not None:
                held.waiting_since = self._now()

    def leave(self, connection: Connection) -> None:
        with self._lock:
            self._held.pop(connection, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)
