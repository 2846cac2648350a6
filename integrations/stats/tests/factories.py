"""Floors, seats and reservations written directly (no booking rules), for statistics tests."""

import datetime as dt
import zoneinfo

from reservations.models import Reservation
from seats.models import Floor, Seat

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
# The period of the hand-computed fixture (conftest.usage): Monday 2 and Tuesday 3 Nov 2026.
MON = dt.date(2026, 11, 2)
TUE = dt.date(2026, 11, 3)
WED = dt.date(2026, 11, 4)


def msk(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), MSK)


def make_floor(name: str = "Floor 1", **extra) -> Floor:
    return Floor.objects.create(name=name, **extra)


def make_seat(label: str, floor: Floor, **extra) -> Seat:
    return Seat.objects.create(label=label, floor=floor, **extra)


def make_reservation(
    user, seat: Seat, start: dt.datetime, end: dt.datetime, status: str = "booked"
) -> Reservation:
    return Reservation.objects.create(user=user, seat=seat, start=start, end=end, status=status)
