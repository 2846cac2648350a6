"""Statistics checked against a small hand-computed fixture (opening hours 08:00-22:00 = 14 h).

Floor A: A1, A2 active, A3 inactive and unused; floor B: B1. Period Mon 2 – Tue 3 Nov 2026.
  A1 member  Mon 10:00-12:00 checked_in   2 h
  A1 other   Mon 12:00-13:30 no_show      0 h (frees the seat)
  A2 member  Mon 10:30-11:00 cancelled    0 h
  B1 other   Mon 14:00-15:00 checked_in   1 h
  A2 other   Tue 09:00-13:00 checked_in   4 h
  A1 member  Tue 21:00-23:00 checked_in   1 h (clipped at closing, 22:00)
  A1 member  Wed 10:00-11:00 checked_in   outside the period
Seats in scope 3 -> available 3 x 14 x 2 = 84 h, booked 8 h.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookit.errors import ValidationFailed
from bookit.tests.clock import msk
from integrations.stats.selectors import parse_filters, report_as_dict, stats_report
from integrations.stats.tests.period import MON, TUE, WED
from reservations.tests.factories import make_reservation


def report(**params):
    return stats_report(parse_filters(params, today=WED))


def test_occupancy_of_the_period_and_by_day(usage):
    result = report(start="2026-11-02", end="2026-11-03")
    assert result.seats_in_scope == 3
    assert result.opening_hours == 14
    assert result.available_hours == 84
    assert result.booked_hours == pytest.approx(8)
    assert result.occupancy == pytest.approx(8 / 84)
    assert [(day, round(b, 6), a) for day, b, a, _r in result.by_day] == [
        (MON, 3, 42),
        (TUE, 5, 42),
    ]
    assert result.by_day[0][3] == pytest.approx(3 / 42)


def test_hour_of_week_heatmap(usage):
    heat = report(start="2026-11-02", end="2026-11-03").heatmap
    third = pytest.approx(1 / 3)
    assert heat[0][10] == third and heat[0][11] == third and heat[0][14] == third
    assert heat[0][12] == 0  # the no-show does not occupy
    assert [heat[1][h] for h in (9, 10, 11, 12, 21)] == [third] * 5
    assert heat[1][13] == 0
    assert heat[0][7] is None and heat[0][22] is None  # closed
    assert all(value is None for value in heat[6])  # no Sunday in the period


def test_busiest_and_idle_seats(usage):
    result = report(start="2026-11-02", end="2026-11-03")
    assert [(u.label, u.hours) for u in result.busiest] == [("A2", 4), ("A1", 3), ("B1", 1)]
    assert [u.label for u in result.idle] == ["B1", "A1", "A2"]
    assert result.busiest[0].occupancy == pytest.approx(4 / 28)


def test_no_show_rate_and_counts(usage):
    result = report(start="2026-11-02", end="2026-11-03")
    assert (result.reservations, result.checked_in, result.no_shows, result.cancelled) == (
        6,
        4,
        1,
        1,
    )
    assert result.no_show_rate == pytest.approx(0.2)


def test_bookings_per_member_distribution(usage, staff):
    # member: 2 (the cancelled one does not count), other_member: 3; staff are not members.
    result = report(start="2026-11-02", end="2026-11-03")
    assert dict(result.bookings_per_member) == {
        "0": 0,
        "1": 0,
        "2": 1,
        "3–5": 1,
        "6–10": 0,
        "11–20": 0,
        "21+": 0,
    }


def test_floor_filter(usage):
    result = report(start="2026-11-02", end="2026-11-03", floor=str(usage["floor_a"].pk))
    assert result.seats_in_scope == 2
    assert result.occupancy == pytest.approx(7 / 56)
    assert result.no_show_rate == pytest.approx(0.25)
    assert [u.label for u in result.busiest] == ["A2", "A1"]


def test_tickets_by_status_and_median_time_to_resolve(tickets, usage):
    result = report(start="2026-11-02", end="2026-11-03")
    assert result.tickets_by_status == {"open": 1, "in_progress": 0, "resolved": 3, "rejected": 0}
    assert result.median_resolve_hours == pytest.approx(4)
    on_a = report(start="2026-11-02", end="2026-11-03", floor=str(usage["floor_a"].pk))
    assert on_a.tickets_by_status["open"] == 0


def test_a_deactivated_seat_with_history_stays_in_scope(usage):
    usage["a2"].is_active = False
    usage["a2"].save()
    assert report(start="2026-11-02", end="2026-11-03").seats_in_scope == 3
    assert report(start="2026-11-05", end="2026-11-05").seats_in_scope == 2


def test_query_count_does_not_grow_with_reservations(usage, member):
    report(start="2026-11-02", end="2026-11-03")  # warm the policy cache
    with CaptureQueriesContext(connection) as small:
        report(start="2026-11-02", end="2026-11-03")
    for i in range(12):  # back-to-back half hours on B1, Tuesday from 14:00
        begin = msk(TUE, 14) + dt.timedelta(minutes=30 * i)
        make_reservation(None, usage["b1"], begin, begin + dt.timedelta(minutes=30), "checked_in")
    with CaptureQueriesContext(connection) as large:
        report(start="2026-11-02", end="2026-11-03")
    assert len(large) == len(small)


def test_default_period_is_the_last_30_days(db):
    filters = parse_filters({}, today=WED)
    assert (filters.start, filters.end, filters.floor) == (dt.date(2026, 10, 6), WED, None)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"start": "2026-11-05", "end": "2026-11-01"}, "end"),
        ({"start": "2025-01-01", "end": "2026-11-01"}, "end"),
        ({"floor": "999"}, "floor"),
        ({"floor": "abc"}, "floor"),
    ],
)
def test_bad_filters_name_the_field(db, params, field):
    with pytest.raises(ValidationFailed) as exc:
        parse_filters(params, today=WED)
    assert field in exc.value.errors


def test_report_as_dict_is_plain_json(usage):
    data = report_as_dict(report(start="2026-11-02", end="2026-11-03"))
    assert data["occupancy"] == round(8 / 84, 4)
    assert data["no_show_rate"] == 0.2
    assert data["busiest_seats"][0]["label"] == "A2"
    assert data["occupancy_by_hour_of_week"]["mon"][10] == round(1 / 3, 4)
    assert data["occupancy_by_day"][1] == {
        "date": "2026-11-03",
        "booked_hours": 5.0,
        "available_hours": 42.0,
        "occupancy": round(5 / 42, 4),
    }
