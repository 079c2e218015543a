"""Who gives up a connection slot: fake connections that record being hung up, no sockets."""

from __future__ import annotations

import socket

from voice_coach.share.slots import Slots


class Fake:
    def __init__(self, name: str) -> None:
        self.name = name
        self.hung_up = False

    def shutdown(self, how: int, /) -> None:
        assert how == socket.SHUT_RDWR
        self.hung_up = True

    def __repr__(self) -> str:
        return self.name


def test_one_address_at_its_cap_gives_up_its_own_oldest_waiting_connection() -> None:
    slots = Slots(most=8, most_per_client=3)
    a = [Fake(f"a{i}") for i in range(4)]
    b = Fake("b")
    assert all(slots.admit(c, "a") for c in a[:3]) and slots.admit(b, "b")
    assert slots.answering(a[0])  # a download under way is never cut
    assert slots.admit(a[3], "a")
    assert [c.hung_up for c in a] == [False, True, False, False] and not b.hung_up
    assert not slots.answering(a[1])  # hung up: its request must not be answered
    assert len(slots) == 4


def test_a_full_server_takes_a_slot_from_the_busiest_address_for_a_phone() -> None:
    slots = Slots(most=4, most_per_client=3)
    flood = [Fake(f"f{i}") for i in range(3)]
    other = Fake("other")
    for c in flood:
        assert slots.admit(c, "flood")
    assert slots.admit(other, "other")
    phone = Fake("phone")
    assert slots.admit(phone, "phone")
    assert [c.hung_up for c in flood] == [True, False, False] and not other.hung_up
    slots.waiting(flood[1])  # after an answer it waits again: now the newest
    assert slots.admit(Fake("phone2"), "phone")
    assert [c.hung_up for c in flood] == [True, False, True]


def test_a_newcomer_is_refused_when_every_slot_is_answering() -> None:
    slots = Slots(most=2, most_per_client=2)
    held = [Fake("a"), Fake("b")]
    for c in held:
        assert slots.admit(c, "a") and slots.answering(c)
    assert not slots.admit(Fake("c"), "a")
    assert not slots.admit(Fake("d"), "d")
    assert not any(c.hung_up for c in held)
    slots.leave(held[0])
    assert slots.admit(Fake("e"), "d") and len(slots) == 2
