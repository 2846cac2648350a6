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
    # No lock: the seat as given, the policy read as if the lock had not read it.
    monkeypatch.setattr(services, "_lock", lambda *, user, seat: (seat, None))
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


def test_the_one_lock_statement_takes_the_member_before_the_seat():
    """The member and the seat are locked by one statement (services._lock), and in the order
    the two statements it replaced took them: with the seat held elsewhere, the booking
    already holds the member while it waits for the seat. One order for every booking path
    (a series, an undo, a move): no deadlocks."""
    floor = Floor.objects.create(name="Order")
    seat = Seat.objects.create(floor=floor, label="O1")
    member = _members(1)[0]
    holder, probe = (connections.create_connection("default") for _ in range(2))
    holder.set_autocommit(False)
    probe.set_autocommit(False)
    outcome: list[object] = []

    def book():
        try:
            outcome.append(
                services.reservation_create(
                    user=member, seat=seat.pk, start=tomorrow(10), end=tomorrow(11)
                )
            )
        except Exception as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM seats_seat WHERE id = %s FOR UPDATE", [seat.pk])
        booking = threading.Thread(target=book)
        booking.start()
        member_locked = False
        for _ in range(200):  # until the booking waits on the seat holding the member
            try:
                with probe.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM accounts_user WHERE id = %s FOR UPDATE NOWAIT", [member.pk]
                    )
                probe.rollback()
            except Exception:  # LockNotAvailable: the booking holds the member
                probe.rollback()
                member_locked = True
                break
            booking.join(timeout=0.05)
        assert member_locked and booking.is_alive() and not outcome
        holder.rollback()  # the seat is free: the booking goes on and commits
        booking.join(timeout=30)
    finally:
        holder.rollback()
        holder.close()
        probe.close()
    assert len(outcome) == 1 and isinstance(outcome[0], Reservation), outcome
    assert outcome[0].seat.floor.name == "Order"
