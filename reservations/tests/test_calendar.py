"""The hand-written iCalendar builder: escaping, folding, UTC times, CRLF."""

import datetime as dt

import pytest

from bookit.tests.clock import at
from reservations.calendar import build_calendar, escape_text, fold
from reservations.models import Reservation
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "Переговорная " * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_short_lines_are_left_alone():
    assert fold("VERSION:2.0") == "VERSION:2.0"


@pytest.mark.django_db
def test_calendar_has_events_in_utc_with_crlf(member):
    floor = make_floor("Этаж 2, west; wing")
    seat = make_seat("B,12", floor=floor)
    reservation = make_reservation(member, seat, at(1, 10), at(1, 11, 30))
    cancelled = make_reservation(
        member, seat, at(2, 10), at(2, 11), status=Reservation.Status.CANCELLED
    )
    now = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    text = build_calendar([reservation, cancelled], name="My, bookings", now=now)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "X-WR-CALNAME:My\\, bookings\r\n" in text
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTAMP:20261201T060000Z\r\n" in text
    assert "DTSTART:20261202T070000Z\r\nDTEND:20261202T083000Z\r\n" in text
    assert "LOCATION:Этаж 2\\, west\\; wing\\, B\\,12\r\n" in text
    assert f"UID:reservation-{reservation.pk}@" in text
    assert "STATUS:CANCELLED" in text and "STATUS:CONFIRMED" in text
