"""Races on PostgreSQL for the waitlist: a held seat is the database's to guard (the seat's
exclusion constraint covers "held"), two accepts of one offer make one booking, and two
schedulers offering at once never hold one seat twice."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from bookit.tests.clock import at
from reservations import services, waitlist
from reservations.models import SEAT_HOLDING_STATUSES, Reservation, WaitlistEntry
from reservations.tests.test_concurrency import race
from seats.models import Floor, Seat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and exclusion constraints need PostgreSQL",
    ),
]
START, END = at(1, 10), at(1, 12)


def _members(n: int) -> list[User]:
    return [
        User.objects.create_user(f"wait{i}@example.com", "x", is_verified=True) for i in range(n)
    ]


def _no_overlaps(seat: Seat) -> None:
    rows = list(
        Reservation.objects.filter(seat=seat, status__in=SEAT_HOLDING_STATUSES).order_by("start")
    )
    for before, after in zip(rows, rows[1:], strict=False):
        assert before.end <= after.start, (before, after)


def _offered_seat(members: list[User], label: str = "H1") -> tuple[Seat, list[WaitlistEntry]]:
    """A seat booked by someone else, ``members`` in line for it, then the booking cancelled:
    (in this transactional test the cancel's on-commit pass runs at once) the first is offered."""
    floor = Floor.objects.create(name=f"Race {label}")
    seat = Seat.objects.create(floor=floor, label=label)
    (holder,) = [User.objects.create_user(f"holder-{label}@example.com", "x", is_verified=True)]
    booking = services.reservation_create(user=holder, seat=seat, start=START, end=END)
    entries = [waitlist.waitlist_join(user=m, seat=seat, start=START, end=END) for m in members]
    services.reservation_cancel(reservation=booking, by=holder)
    entries[0].refresh_from_db()
    assert entries[0].status == WaitlistEntry.Status.OFFERED
    return seat, entries


def test_the_constraint_refuses_a_booking_over_a_held_seat():
    seat, _entries = _offered_seat(_members(1))
    intruder = User.objects.create_user("intruder@example.com", "x", is_verified=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(user=intruder, seat=seat, start=START, end=END)


def test_accepting_racing_other_members_one_booking():
    """The offered member accepts while the next in line tries to accept theirs and a third
    member books the seat directly: only the offer's owner gets it."""
    first, second, booker = _members(3)
    seat, entries = _offered_seat([first, second])
    outcomes = race(
        [
            lambda: waitlist.offer_accept(user=first, pk=entries[0].pk),
            lambda: waitlist.offer_accept(user=second, pk=entries[1].pk),
            lambda: services.reservation_create(user=booker, seat=seat, start=START, end=END),
        ]
    )
    assert sorted(outcomes) == ["conflict", "conflict", "ok"], outcomes
    booked = Reservation.objects.get(seat=seat, status="booked")
    assert booked.user == first
    _no_overlaps(seat)


def test_one_offer_accepted_twice_at_once_is_one_booking():
    (member,) = _members(1)
    seat, entries = _offered_seat([member])
    outcomes = race([lambda: waitlist.offer_accept(user=member, pk=entries[0].pk)] * 2)
    assert outcomes == ["ok", "ok"], outcomes
    assert Reservation.objects.filter(seat=seat, user=member).count() == 1
    assert not Reservation.objects.filter(seat=seat, status="held").exists()


def test_two_schedulers_never_offer_one_seat_twice():
    floor = Floor.objects.create(name="Schedulers")
    seats = [Seat.objects.create(floor=floor, label=f"S{i}") for i in range(3)]
    holder, *waiting = _members(7)
    bookings = [
        services.reservation_create(
            user=holder, seat=s, start=START.replace(hour=10 + i), end=END.replace(hour=11 + i)
        )
        for i, s in enumerate(seats)
    ]
    start, end = at(1, 10), at(1, 13)
    for member in waiting:
        waitlist.waitlist_join(user=member, floor=floor, start=start, end=end)
    # Free the seats without the on-commit pass: the schedulers find them.
    Reservation.objects.filter(pk__in=[b.pk for b in bookings]).update(status="cancelled")
    for _round in range(3):
        outcomes = race([waitlist.make_offers, waitlist.make_offers])
        assert all(not o.startswith("error") for o in outcomes), outcomes
    held = list(Reservation.objects.filter(status="held"))
    assert len(held) == 3 and len({h.seat_id for h in held}) == 3
    offered = WaitlistEntry.objects.filter(status="offered")
    assert offered.count() == 3
    assert {e.reservation_id for e in offered} == {h.pk for h in held}
    for seat in seats:
        _no_overlaps(seat)
