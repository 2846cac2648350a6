"""Races on PostgreSQL for the desk's walk-in and recurring bookings: whoever wins, a seat never
holds two live bookings at once, and the loser gets a 409 (or a skipped occurrence), not a 500."""

import pytest
from django.db import connection

from accounts.models import User
from bookit.tests.clock import at
from reservations import desk, series, services
from reservations.models import LIVE_STATUSES, Reservation
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


def _members(n: int) -> list[User]:
    return [
        User.objects.create_user(f"desk{i}@example.com", "x", is_verified=True) for i in range(n)
    ]


def _no_overlaps(seat: Seat) -> None:
    live = list(Reservation.objects.filter(seat=seat, status__in=LIVE_STATUSES).order_by("start"))
    for before, after in zip(live, live[1:], strict=False):
        assert before.end <= after.start, (before, after)


def test_a_walk_in_racing_a_booking_one_wins():
    floor = Floor.objects.create(name="Race")
    walker, booker = _members(2)
    for round_ in range(5):
        seat = Seat.objects.create(floor=floor, label=f"W{round_}")
        # Each round starts clean: the previous round's winner would clash as a member.
        Reservation.objects.filter(user__in=[walker, booker]).delete()
        outcomes = race(
            [
                lambda seat=seat: desk.walk_in(seat=seat, user=walker),
                lambda seat=seat: services.reservation_create(
                    user=booker, seat=seat, start=at(0, 9), end=at(0, 11)
                ),
            ]
        )
        assert sorted(outcomes) == ["conflict", "ok"], outcomes
        assert Reservation.objects.filter(seat=seat, status__in=LIVE_STATUSES).count() == 1
        _no_overlaps(seat)


def test_a_series_racing_single_bookings():
    floor = Floor.objects.create(name="Race")
    seat = Seat.objects.create(floor=floor, label="S1")
    owner, *singles = _members(6)
    repeat = series.Repeat(freq="daily", weekdays=[], count=5)
    made: list = []

    def book_series():
        made.append(
            series.series_create(
                user=owner, seat=seat, start=at(1, 10), end=at(1, 11), repeat=repeat
            )
        )

    jobs = [book_series] + [
        lambda user=user, day=day: services.reservation_create(
            user=user, seat=seat, start=at(day, 10), end=at(day, 11)
        )
        for day, user in enumerate(singles[:5], start=1)
    ]
    outcomes = race(jobs)
    assert all(o in ("ok", "conflict") for o in outcomes), outcomes
    _no_overlaps(seat)
    # Every day is held exactly once: by the series' occurrence or by the single booking.
    for day in range(1, 6):
        held = Reservation.objects.filter(
            seat=seat, status__in=LIVE_STATUSES, start=at(day, 10)
        ).count()
        assert held == 1, day
    if made:
        _series, occurrences = made[0]
        booked = {o.start for o in occurrences if o.reservation is not None}
        singles_won = outcomes.count("ok") - 1
        assert len(booked) + singles_won == 5
