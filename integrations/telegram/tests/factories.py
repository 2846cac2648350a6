import datetime as dt
import zoneinfo

from reservations.models import Reservation
from seats.models import Floor, Seat

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
# Tuesday 1 December 2026, 09:05 in Moscow: opening hours 08:00-22:00 have slots left.
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=MSK)


def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    day = NOW.date() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), MSK)


def make_seat(label: str = "A1", floor_name: str = "Floor 1", **extra) -> Seat:
    floor = Floor.objects.filter(name=floor_name).first() or Floor.objects.create(name=floor_name)
    return Seat.objects.create(label=label, floor=floor, **extra)


def make_reservation(user, seat, start, end, **extra) -> Reservation:
    """A row written directly, bypassing the booking rules (setup data only)."""
    return Reservation.objects.create(user=user, seat=seat, start=start, end=end, **extra)
