"""Fixtures of the statistics tests; ``usage`` is the hand-computed fixture of test_selectors."""

import datetime as dt

import pytest

from bookit.tests.clock import msk
from integrations.stats.tests.period import MON, TUE, WED
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat


@pytest.fixture
def usage(member, other_member):
    floor_a, floor_b = make_floor("A", ordering=1), make_floor("B", ordering=2)
    a1, a2 = make_seat("A1", floor_a), make_seat("A2", floor_a)
    make_seat("A3", floor_a, is_active=False)
    b1 = make_seat("B1", floor_b)
    make_reservation(member, a1, msk(MON, 10), msk(MON, 12), "checked_in")
    make_reservation(other_member, a1, msk(MON, 12), msk(MON, 13, 30), "no_show")
    make_reservation(member, a2, msk(MON, 10, 30), msk(MON, 11), "cancelled")
    make_reservation(other_member, b1, msk(MON, 14), msk(MON, 15), "checked_in")
    make_reservation(other_member, a2, msk(TUE, 9), msk(TUE, 13), "checked_in")
    make_reservation(member, a1, msk(TUE, 21), msk(TUE, 23), "checked_in")
    make_reservation(member, a1, msk(WED, 10), msk(WED, 11), "checked_in")
    return {"floor_a": floor_a, "floor_b": floor_b, "a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def tickets(usage, member):
    from tickets.models import Ticket

    def ticket(status, created, resolved=None, seat=None):
        return Ticket.objects.create(
            author=member,
            subject="s",
            text="t",
            status=status,
            seat=seat,
            created_at=created,
            resolved_at=resolved,
        )

    ticket("open", msk(MON, 9), seat=usage["b1"])
    ticket("resolved", msk(MON, 10), msk(MON, 14), seat=usage["a1"])  # 4 h
    ticket("resolved", msk(MON, 9), msk(TUE, 9), seat=usage["a2"])  # 24 h
    ticket("resolved", msk(TUE, 10), msk(TUE, 12), seat=usage["a1"])  # 2 h
    ticket("rejected", msk(MON, 8) - dt.timedelta(days=3))  # before the period
