"""Races on PostgreSQL: many connections book at the same instant; exactly one may win.

Each thread has its own database connection (Django connections are per thread) and all
start together at a barrier. The bypass variants switch off the service's lock-and-check to
show the exclusion constraints alone still hold the invariant.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from bookit.errors import Conflict
from reservations import services
from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Floor, Seat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and exclusion constraints need PostgreSQL",
    ),
]


def tomorrow(hour: int) -> dt.datetime:
    policy = get_policy()
    day = timezone.localdate(timezone=policy.tz) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), policy.tz)


def race(jobs) -> list[str]:
    """Run each job in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # anything else is a bug the test must show
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.fixture
def bypass_lock(monkeypatch):
    monkeypatch.setattr(services, "_lock", lambda **kwargs: None)
    monkeypatch.setattr(services, "_check_overlaps", lambda **kwargs: None)


def _members(n: int) -> list[User]:
    return [
        User.objects.create_user(f"racer{i}@example.com", "x", is_verified=True) for i in range(n)
    ]


def _fifty_members_one_seat() -> list[str]:
    floor = Floor.objects.create(name="Race")
    seat = Seat.objects.create(floor=floor, label="R1")
    start, end = tomorrow(10), tomorrow(11)
    jobs = [
        (lambda m=m: services.reservation_create(user=m, seat=seat, start=start, end=end))
        for m in _members(50)
    ]
    return race(jobs)


def test_fifty_simultaneous_bookings_of_one_seat_yield_one():
    outcomes = _fifty_members_one_seat()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict") == 49, outcomes
    assert Reservation.objects.count() == 1


def test_the_constraint_holds_without_the_service_lock(bypass_lock):
    outcomes = _fifty_members_one_seat()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict") == 49, outcomes
    assert Reservation.objects.count() == 1


def _one_member_many_seats() -> list[str]:
    floor = Floor.objects.create(name="Race")
    seats = [Seat.objects.create(floor=floor, label=f"R{i}") for i in range(20)]
    member = _members(1)[0]
    start, end = tomorrow(10), tomorrow(11)
    jobs = [
        (lambda s=s: services.reservation_create(user=member, seat=s, start=start, end=end))
        for s in seats
    ]
    return race(jobs)


def test_one_member_booking_many_seats_at_once_gets_one():
    outcomes = _one_member_many_seats()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict") == 19, outcomes
    assert Reservation.objects.count() == 1


def test_member_constraint_holds_without_the_service_lock(bypass_lock):
    outcomes = _one_member_many_seats()
    assert outcomes.count("ok") == 1, outcomes
    assert Reservation.objects.count() == 1


def test_without_lock_or_constraint_the_race_is_real(bypass_lock):
    """Proof the test can fail: drop the constraint and the service lock, and doubles appear."""
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE reservations_reservation DROP CONSTRAINT reservation_seat_no_overlap"
        )
    try:
        outcomes = _fifty_members_one_seat()
        assert Reservation.objects.count() > 1, outcomes
    finally:
        Reservation.objects.all().delete()
        # Put back the model's own constraint (its condition covers the waitlist's "held"
        # too), not a copy of its SQL that could drift from the migration.
        constraint = next(
            c for c in Reservation._meta.constraints if c.name == "reservation_seat_no_overlap"
        )
        with connection.schema_editor() as editor:
            editor.add_constraint(Reservation, constraint)
