"""Slot arithmetic: the cached day grid answers what the step-by-step loop answered."""

import datetime as dt
import zoneinfo

import pytest

from reservations import slots
from reservations.map_views import _fit
from reservations.policy import EffectiveRule


def rule(**changes) -> EffectiveRule:
    values = {
        "time_zone": "Europe/Moscow",
        "opens_at": dt.time(8),
        "closes_at": dt.time(22),
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 720,
        "advance_days": 14,
        "max_upcoming": 3,
    }
    return EffectiveRule(**{**values, **changes})


def loop_day_slot_starts(policy, day: dt.date, now: dt.datetime) -> list[dt.datetime]:
    """day_slot_starts as it was written before the grid was cached (the reference)."""
    earliest = slots.current_slot_start(policy, now)
    start = dt.datetime.combine(day, policy.opens_at, policy.tz)
    last = dt.datetime.combine(day, policy.closes_at, policy.tz) - dt.timedelta(
        minutes=policy.min_minutes
    )
    latest = now + dt.timedelta(days=policy.advance_days)
    starts = []
    while start <= last:
        if earliest <= start <= latest:
            starts.append(start)
        start += policy.slot
    return starts


BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
RULES = [
    rule(),
    rule(slot_minutes=15, opens_at=dt.time(9, 15), closes_at=dt.time(19, 45), min_minutes=45),
    rule(slot_minutes=60, opens_at=dt.time(7), closes_at=dt.time(23), advance_days=0),
    rule(slot_minutes=45, advance_days=2, opens_at=dt.time(6, 10)),
    # Around both DST changes: the grid steps in wall-clock time through the gap and the fold.
    rule(time_zone="Europe/Berlin", opens_at=dt.time(0), closes_at=dt.time(23, 30)),
    rule(time_zone="Europe/Berlin", opens_at=dt.time(1), closes_at=dt.time(4), advance_days=3),
]
NOWS = [
    dt.datetime(2026, 12, 1, 6, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 1, 18, 59, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 26, 9, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 0, 10, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 23, 0, 40, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 0, 40, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 1, 10, tzinfo=BERLIN),  # a local "now", in the zone's fold
    dt.datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=BERLIN),
]


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize("now", NOWS)
def test_day_slot_starts_are_the_step_by_step_loop_s(policy, now):
    first = now.astimezone(policy.tz).date()
    for offset in range(-1, 17):
        day = first + dt.timedelta(days=offset)
        got = slots.day_slot_starts(policy, day, now)
        want = loop_day_slot_starts(policy, day, now)
        assert got == want
        # The same instants, in the same zone object and fold: later arithmetic agrees too.
        assert [(s.tzinfo, s.fold, s.utcoffset()) for s in got] == [
            (s.tzinfo, s.fold, s.utcoffset()) for s in want
        ]
        assert [s.isoformat() for s in got] == [s.isoformat() for s in want]


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize("minutes", [30, 45, 60, 90, 120, 240, 600, 720, 900])
def test_the_picker_s_fitted_length_is_durations_from_s(policy, minutes):
    day = dt.date(2026, 3, 29) if policy.time_zone == "Europe/Berlin" else dt.date(2026, 12, 2)
    now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(0), dt.UTC)
    for start in slots.day_slot_starts(policy, day, now):
        allowed = slots.durations_from(policy, start, {minutes})
        want = max((m for m in allowed if m <= minutes), default=allowed[0] if allowed else minutes)
        assert _fit(policy, start, minutes) == want
