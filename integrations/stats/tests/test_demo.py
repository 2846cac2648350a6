"""seed_demo --history: realistic, rule-abiding past usage, and idempotent."""

import datetime as dt
import io
from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from accounts.tests.factories import make_user
from bookit.tests.clock import MSK
from integrations.stats import demo
from reservations.models import Reservation
from seats.tests.factories import make_floor, make_seat

# Thursday 26 November 2026, 15:00 in Moscow.
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=MSK)


class FakeCommand:
    def __init__(self):
        self.buffer = io.StringIO()
        self.stdout = OutputWrapper(self.buffer)


@pytest.fixture
def demo_world(db):
    floor = make_floor("Demo")
    seats = [make_seat(f"D{i}", floor) for i in range(6)]
    members = [make_user(f"demo_email_{i}@example.com") for i in range(8)]
    return seats, members


def _assert_never_overlapping(rows, key):
    by_key = defaultdict(list)
    for row in rows:
        by_key[key(row)].append((row.start, row.end))
    for intervals in by_key.values():
        intervals.sort()
        for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:], strict=False):
            assert e1 <= s2


@time_machine.travel(NOW, tick=False)
def test_history_is_past_aligned_and_never_overlaps(demo_world):
    command = FakeCommand()
    demo.seed(command, {"history": 28})
    rows = list(Reservation.objects.all())
    assert len(rows) > 50
    today = NOW.date()
    for row in rows:
        start, end = row.start.astimezone(MSK), row.end.astimezone(MSK)
        assert today - dt.timedelta(days=28) <= start.date() < today
        assert start.minute in (0, 30) and end.minute in (0, 30) and start.second == 0
        assert dt.time(8) <= start.time() and end.time() <= dt.time(22) and end > start
        assert end.date() == start.date()
        assert row.status in ("checked_in", "no_show", "cancelled")
        assert row.created_at < row.start
        assert (row.status == "checked_in") == (row.checked_in_at is not None)
        assert (row.status == "cancelled") == (row.cancelled_at is not None)
    _assert_never_overlapping(rows, key=lambda r: r.seat_id)
    _assert_never_overlapping(rows, key=lambda r: r.user_id)
    statuses = {
        status: sum(r.status == status for r in rows) for status in ("no_show", "cancelled")
    }
    assert statuses["no_show"] > 0 and statuses["cancelled"] > 0
    weekday = [r for r in rows if r.start.astimezone(MSK).weekday() < 5]
    assert len(weekday) > 3 * (len(rows) - len(weekday))  # weekends are quiet
    output = command.buffer.getvalue()
    assert "history [" + "#" * 30 + "] 28/28 days" in output
    assert f"history: {len(rows)} past reservations over 28 days" in output


@time_machine.travel(NOW, tick=False)
def test_busy_hours_peak_between_10_and_17(demo_world):
    demo.seed(FakeCommand(), {"history": 28})
    minutes = defaultdict(float)
    for row in Reservation.objects.filter(status="checked_in"):
        cursor = row.start.astimezone(MSK)
        while cursor < row.end:
            minutes[cursor.hour] += 30
            cursor += dt.timedelta(minutes=30)
    peak = sum(minutes[h] for h in range(10, 17)) / 7
    edges = sum(minutes[h] for h in (8, 19, 20, 21)) / 4
    assert peak > 2 * edges


@time_machine.travel(NOW, tick=False)
def test_running_again_only_fills_missing_days(demo_world):
    demo.seed(FakeCommand(), {"history": 10})
    first = Reservation.objects.count()
    # A quiet weekend day may have no row: it counts as missing and is (re)generated.
    had_history = len({r.start.astimezone(MSK).date() for r in Reservation.objects.all()})
    command = FakeCommand()
    demo.seed(command, {"history": 14})
    assert f"({had_history} days already had history)" in command.buffer.getvalue()
    older = Reservation.objects.filter(start__lt=dt.datetime(2026, 11, 16, tzinfo=MSK)).count()
    assert Reservation.objects.count() == first + older
    assert older > 0
    demo.seed(FakeCommand(), {"history": 14})
    assert Reservation.objects.count() == first + older


@time_machine.travel(NOW, tick=False)
def test_no_history_without_the_option(demo_world):
    demo.seed(FakeCommand(), {"history": 0})
    assert not Reservation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_seed_demo_command_runs_the_history_step(db):
    out = io.StringIO()
    call_command("seed_demo", history=3, stdout=out)
    assert "history: " in out.getvalue()
    assert Reservation.objects.filter(start__lt=NOW.replace(hour=0)).exists()
