"""In a real browser: the desk page a phone opens from a seat's code (walk-in, then checked in),
and "repeat" on the booking step. The clock starts at the suite's NOW (a Tuesday 09:05 in
Moscow) and ticks, so the coworking is open whatever the wall clock says."""

import pytest
import time_machine

from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.clock import NOW, at
from reservations.models import Reservation
from seats.models import Floor, Seat
from seats.tokens import seat_token

pytestmark = pytest.mark.e2e


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def member_in(page, live_server, clock, transactional_db):
    # English pages: the assertions below read the English texts (Russian is the default).
    user = make_user(
        "desk@example.com", first_name="Dina", last_name="Desk", verified=True, language="en"
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    return user


@pytest.fixture
def seat(transactional_db):
    floor = Floor.objects.create(name="Floor 1", width=600, height=300)
    return Seat.objects.create(floor=floor, label="D7", x=100, y=100)


def test_walk_in_at_the_desk(page, live_server, member_in, seat):
    page.goto(f"{live_server.url}/s/{seat_token(seat.pk)}")
    assert "Free now" in page.inner_text("#desk-state")
    page.select_option("#walkin-end", label="11:00")
    page.click("#desk-walkin")
    page.wait_for_selector(".messages")
    assert "Booked and checked in until 11:00" in page.inner_text(".messages")
    assert "You are checked in here" in page.inner_text("#desk-state")
    walk_in = Reservation.objects.get(user=member_in)
    assert walk_in.status == "checked_in" and walk_in.end == at(0, 11)


def test_check_in_own_booking_at_the_desk(page, live_server, member_in, seat):
    Reservation.objects.create(user=member_in, seat=seat, start=at(0, 9), end=at(0, 10))
    page.goto(f"{live_server.url}/s/{seat_token(seat.pk)}")
    page.click("#desk-checkin")
    page.wait_for_selector(".messages")
    assert "Checked in." in page.inner_text(".messages")
    assert Reservation.objects.get(user=member_in).status == "checked_in"


def test_repeat_on_the_booking_step(page, live_server, member_in, seat):
    day = at(1, 0).date().isoformat()
    page.goto(
        f"{live_server.url}/?date={day}&start=10:00&end=11:00&floor={seat.floor_id}&seat={seat.pk}"
    )
    page.click("#repeat summary")
    page.select_option("#repeat-freq", "daily")
    page.fill("#repeat-count", "3")
    page.click("#book-repeat")
    page.wait_for_url(f"{live_server.url}/bookings/")
    assert "3 of 3 booked" in page.inner_text(".messages")
    assert Reservation.objects.filter(user=member_in, series__isnull=False).count() == 3


def test_join_the_waitlist_at_the_desk_then_accept_the_offer(page, live_server, member_in, seat):
    """A busy seat at the door: join its waitlist on the desk page; when the booking is
    cancelled the seat is held for the member, who accepts it on "my bookings"."""
    other = make_user("holder@example.com", first_name="Hidden", verified=True)
    from reservations import services

    booking = services.reservation_create(user=other, seat=seat, start=at(0, 9), end=at(0, 12))
    page.goto(f"{live_server.url}/s/{seat_token(seat.pk)}")
    assert "Busy now" in page.inner_text("#desk-state")
    assert "Hidden" not in page.content()
    page.select_option("#waitlist-end", label="12:00")
    page.click("#desk-waitlist")
    page.wait_for_selector(".messages")
    assert "number 1 on the waitlist" in page.inner_text(".messages")
    services.reservation_cancel(reservation=booking, by=other)  # commits: the offer is made
    page.goto(f"{live_server.url}/bookings/")
    assert "Seat D7 is held for you" in page.inner_text("#waitlist")
    page.click("#waitlist button.primary")
    page.wait_for_url(f"{live_server.url}/bookings/")
    assert "Booked: seat D7" in page.inner_text(".messages")
    mine = Reservation.objects.get(user=member_in)
    assert mine.status == "booked" and mine.seat == seat and mine.end == at(0, 12)
