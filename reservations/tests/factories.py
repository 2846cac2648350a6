"""Reservations written directly, bypassing the booking rules (past or setup data)."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from reservations.models import Reservation
from seats.models import Seat
from seats.tests.factories import make_seat


def make_reservation(
    user: User,
    seat: Seat | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: str = Reservation.Status.BOOKED,
    *,
    minutes: int = 60,
    **extra,
) -> Reservation:
    """Defaults: a new seat; a start 5 minutes ago (inside the default check-in window); an end
    ``minutes`` after the start."""
    start = start or timezone.now() - dt.timedelta(minutes=5)
    return Reservation.objects.create(
        user=user,
        seat=seat or make_seat(),
        start=start,
        end=end or start + dt.timedelta(minutes=minutes),
        status=status,
        **extra,
    )
