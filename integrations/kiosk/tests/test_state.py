"""What the wall display shows: free / booked / checked in, until when, opted-in first names."""

import pytest

from bookit.tests.clock import at
from integrations.kiosk import selectors
from reservations import services as booking
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat

pytestmark = pytest.mark.django_db


def _by_label(state) -> dict:
    return {row["label"]: row for row in state["seats"]}


def test_free_booked_and_checked_in_with_their_times(
    frozen, floor, seats, member, other_member, staff
):
    a, b, c = seats
    mine = booking.reservation_create(user=member, seat=a, start=at(0, 9), end=at(0, 11))
    booking.reservation_check_in(reservation=mine, by=staff)
    booking.reservation_create(user=other_member, seat=b, start=at(0, 9), end=at(0, 10))
    booking.reservation_create(user=other_member, seat=c, start=at(0, 14), end=at(0, 15))

    state = selectors.floor_state(floor=floor)
    rows = _by_label(state)
    assert rows["A"]["state"] == "checked_in"
    assert rows["A"]["busy_until_label"] == "11:00"
    assert rows["A"]["caption"] == "In use until 11:00"
    assert rows["B"]["state"] == "booked" and rows["B"]["caption"] == "Booked until 10:00"
    assert rows["C"]["state"] == "free"
    assert rows["C"]["free_until_label"] == "14:00" and rows["C"]["caption"] == "Free until 14:00"
    assert state["counts"] == {"free": 1, "booked": 1, "checked_in": 1}
    assert state["is_open"] is True


def test_a_free_seat_with_no_booking_is_free_until_closing(frozen, floor, seats):
    rows = _by_label(selectors.floor_state(floor=floor))
    assert rows["A"]["free_until_label"] == "22:00"


def test_first_names_only_and_only_of_members_who_opted_in(
    frozen, floor, seats, member, other_member
):
    member.show_on_map = True
    member.save()
    booking.reservation_create(user=member, seat=seats[0], start=at(0, 9), end=at(0, 10))
    booking.reservation_create(user=other_member, seat=seats[1], start=at(0, 9), end=at(0, 10))

    rows = _by_label(selectors.floor_state(floor=floor))
    assert rows["A"]["holder"] == "Maria"
    assert rows["A"]["caption"] == "Maria · Booked until 10:00"
    assert rows["B"]["holder"] is None
    text = str(selectors.floor_state(floor=floor))
    for secret in ("Member", "member@example.com", "Oleg", "other@example.com"):
        assert secret not in text


def test_a_no_show_past_its_grace_frees_the_seat_at_once(frozen, floor, seats, member):
    make_reservation(member, seats[0], at(0, 8, 30), at(0, 10))  # not checked in by 08:45
    assert _by_label(selectors.floor_state(floor=floor))["A"]["state"] == "free"


def test_only_this_floors_seats(frozen, floor, seats, member):
    other = make_seat("Z9", floor=make_floor("Roof"))
    booking.reservation_create(user=member, seat=other, start=at(0, 9), end=at(0, 10))
    state = selectors.floor_state(floor=floor)
    assert [row["label"] for row in state["seats"]] == ["A", "B", "C"]
    assert state["counts"]["booked"] == 0


def test_closed_at_night(floor, seats):
    import time_machine

    with time_machine.travel(at(0, 23, 50), tick=False):
        state = selectors.floor_state(floor=floor)
    assert state["is_open"] is False
    assert _by_label(state)["A"]["caption"] == "Free"


def test_each_seat_has_its_scan_to_book_url(frozen, floor, seats, settings):
    from bookit.links import DEV_SERVER
    from seats.tokens import seat_id_from_token

    row = selectors.floor_state(floor=floor)["seats"][0]
    # Absolute (issue 16): SITE_URL, else (no request here) the dev server's address.
    prefix = f"{settings.SITE_URL or DEV_SERVER}/s/"
    assert row["book_url"].startswith(prefix)
    assert seat_id_from_token(row["book_url"][len(prefix) :]) == seats[0].pk
    assert seat_id_from_token(row["book_url"][len(prefix) :] + "x") is None


def test_the_state_takes_three_queries_whatever_the_floor_size(
    frozen, floor, seats, member, other_member, staff, django_assert_max_num_queries
):
    for seat, user in zip(seats, (member, other_member, staff), strict=True):
        make_reservation(user, seat, at(0, 9), at(0, 10))
    from bookit.memo import memo_scope
    from reservations.policy import get_policy

    get_policy()  # the policy row exists (its first read creates it)
    # As in a request: the policy is read once per request (bookit.memo).
    with memo_scope(), django_assert_max_num_queries(3):  # policy, seats, today's bookings
        selectors.floor_state(floor=floor)
