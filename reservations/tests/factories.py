import datetime as dt
import zoneinfo

from reservations.models import Reservation
from seats.models import Floor, Seat

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
# A fixed "now" for rule tests: Tuesday 1 December 2026, 09:05 in Moscow.
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=MSK)


def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Moscow datetime, ``day_offset`` days after NOW's date."""
    base = NOW.date() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(base, dt.time(hour, minute), MSK)


def make_floor(name: str = "Floor 1", **extra) -> Floor:
    return Floor.objects.create(name=name, **extra)


def make_seat(label: str = "A1", floor: Floor | None = None, **extra) -> Seat:
    floor = floor or Floor.objects.first() or make_floor()
    return Seat.objects.create(label=label, floor=floor, **extra)


def make_reservation(user, seat, start, end, status=Reservation.Status.BOOKED) -> Reservation:
    """A row written directly, bypassing the rules (for past or setup data)."""
    return Reservation.objects.create(user=user, seat=seat, start=start, end=end, status=status)
