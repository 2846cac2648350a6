"""The suite's fixed "now" and Moscow-time helpers; the root conftest's ``frozen`` travels here.

Tests never read the wall clock: they freeze it at NOW (a Tuesday inside opening hours with
slots left) before creating data, so the suite passes on any date and at any hour.
"""

import datetime as dt
import zoneinfo

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
# Tuesday 1 December 2026, 09:05 in Moscow: opening hours 08:00-22:00 have slots left.
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=MSK)


def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Moscow datetime, ``day_offset`` days after NOW's date."""
    day = NOW.date() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), MSK)


def msk(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Moscow datetime on ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), MSK)
