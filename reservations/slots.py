"""Slot arithmetic of the booking policy: the grid of a day, the current slot, default windows.

Pure functions of a BookingPolicy and times; the booking service, the map and change forms, the
pages and the Telegram bot all compute slots here, so they agree on every boundary.
"""

import datetime as dt
import functools

from django.utils import timezone

from bookit.errors import ValidationFailed
from reservations import messages as msg
from reservations.models import BookingPolicy
from reservations.policy import EffectiveRule

# What the grid functions read (slot step, time zone): the policy or a seat's effective rule.
Rules = BookingPolicy | EffectiveRule


def minute_of_day(value: dt.time | dt.datetime) -> int:
    return value.hour * 60 + value.minute


def time_of_minute(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def is_on_step(value: dt.datetime, policy: Rules) -> bool:
    """Whether a local time falls exactly on the policy's slot grid."""
    return not (value.second or value.microsecond or minute_of_day(value) % policy.slot_minutes)


def ensure_ordered(start: object, end: object) -> None:
    """The end comes after the start (datetimes, or zero-padded "HH:MM" strings of one day)."""
    if end <= start:  # type: ignore[operator]
        raise ValidationFailed.on("end", msg.END_BEFORE_START)


def slot_times(policy: Rules) -> list[dt.time]:
    """Every slot boundary of a day, opening to closing time inclusive."""
    closes = minute_of_day(policy.closes_at)
    return [
        time_of_minute(m)
        for m in range(minute_of_day(policy.opens_at), closes + 1, policy.slot_minutes)
    ]


def current_slot_start(policy: Rules, now: dt.datetime | None = None) -> dt.datetime:
    """The start of the slot containing ``now`` in the coworking's time zone."""
    local = timezone.localtime(now or timezone.now(), policy.tz)
    minutes = minute_of_day(local)
    floored = minutes - minutes % policy.slot_minutes
    return local.replace(hour=floored // 60, minute=floored % 60, second=0, microsecond=0)


def default_window(
    policy: Rules, now: dt.datetime | None = None
) -> tuple[dt.date, dt.time, dt.time]:
    """The next bookable hour: now rounded up to the slot step, inside opening hours.

    Falls back to tomorrow's opening when less than the minimum duration is left today.
    Returns (date, start time, end time) in the coworking's time zone.
    """
    local = timezone.localtime(now or timezone.now(), policy.tz)
    minutes = minute_of_day(local) + (1 if local.second or local.microsecond else 0)
    minutes += -minutes % policy.slot_minutes
    opens, closes = minute_of_day(policy.opens_at), minute_of_day(policy.closes_at)
    day = local.date()
    start = max(minutes, opens)
    if closes - start < max(policy.min_minutes, policy.slot_minutes):
        day, start = day + dt.timedelta(days=1), opens
    length = max(60, policy.min_minutes)
    length += -length % policy.slot_minutes
    end = min(start + length, closes)
    return day, time_of_minute(start), time_of_minute(end)


def day_slot_starts(policy: Rules, day: dt.date, now: dt.datetime) -> list[dt.datetime]:
    """The bookable starts of a day: on the grid, not past, within the advance limit, and
    leaving at least the minimum duration before closing."""
    return slot_starts_between(policy, day, *start_bounds(policy, now))


def start_bounds(policy: Rules, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest bookable start at ``now``: the current slot's start (not past)
    and the advance limit."""
    return current_slot_start(policy, now), now + dt.timedelta(days=policy.advance_days)


def slot_starts_between(
    policy: Rules, day: dt.date, earliest: dt.datetime, latest: dt.datetime
) -> list[dt.datetime]:
    """``day_slot_starts`` with its bounds computed once by a caller that asks for many days
    (the map's day strip): the day's grid, from ``earliest`` to ``latest``."""
    grid = _day_grid(
        day, policy.tz, policy.opens_at, policy.closes_at, policy.slot_minutes, policy.min_minutes
    )
    return [start for start in grid if earliest <= start <= latest]


# A pure function of its key: the same starts, compared the same way (the zone object itself
# is part of the key, so an aware comparison with the policy's zone behaves as before).
@functools.lru_cache(maxsize=256)
def _day_grid(
    day: dt.date,
    tz: dt.tzinfo,
    opens_at: dt.time,
    closes_at: dt.time,
    slot_minutes: int,
    min_minutes: int,
) -> tuple[dt.datetime, ...]:
    """Every start of a day's grid that leaves the minimum duration before closing, stepping
    in wall-clock time as aware datetimes of one zone do."""
    start = dt.datetime.combine(day, opens_at, tz)
    last = dt.datetime.combine(day, closes_at, tz) - dt.timedelta(minutes=min_minutes)
    step = dt.timedelta(minutes=slot_minutes)
    starts = []
    while start <= last:
        starts.append(start)
        start += step
    return tuple(starts)


def durations_from(policy: Rules, start: dt.datetime, wanted: set[int]) -> list[int]:
    """Of the ``wanted`` lengths in minutes, those the policy allows from ``start``, sorted."""
    closes = dt.datetime.combine(start.date(), policy.closes_at, policy.tz)
    return durations_until(policy, int((closes - start).total_seconds() // 60), wanted)


def durations_until(policy: Rules, until_close: int, wanted: set[int]) -> list[int]:
    """``durations_from`` for a start ``until_close`` minutes before closing."""
    wanted = wanted | {policy.min_minutes, min(until_close, policy.max_minutes)}
    return sorted(
        m
        for m in wanted
        if policy.min_minutes <= m <= min(policy.max_minutes, until_close)
        and m % policy.slot_minutes == 0
    )


def whole_day_window(
    policy: BookingPolicy, day: dt.date, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The "whole day" of one tap: opening (or, today, the current slot) until closing.

    Capped at the maximum duration, so a whole day obeys every rule of the booking service
    (staff who want 08:00-22:00 in one booking raise the maximum to the opening hours).
    """
    opens = dt.datetime.combine(day, policy.opens_at, policy.tz)
    closes = dt.datetime.combine(day, policy.closes_at, policy.tz)
    start = max(opens, current_slot_start(policy, now))
    end = min(closes, start + dt.timedelta(minutes=policy.max_minutes))
    if end - start < dt.timedelta(minutes=max(policy.min_minutes, policy.slot_minutes)):
        raise ValidationFailed.on("date", msg.NO_TIME_LEFT_TODAY)
    return start, end
