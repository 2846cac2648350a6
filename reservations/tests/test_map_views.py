"""The floor map page: rendering, states, booking by POST, filters, permissions, query count."""

import datetime as dt
import re

import pytest

from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.clock import at
from reservations.models import Reservation
from reservations.slots import default_window
from reservations.tests.factories import make_reservation
from seats.models import Seat
from seats.tests.factories import make_floor, make_seat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English source strings; Russian (the default) is tested separately."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def floor(db):
    return make_floor("Floor 1", width=800, height=500)


@pytest.fixture
def seats(floor):
    return {
        "A1": make_seat("A1", floor=floor, x=100, y=100, amenities=["monitor"]),
        "A2": make_seat("A2", floor=floor, x=200, y=100, amenities=["window", "monitor"]),
        "Q1": make_seat("Q1", floor=floor, x=300, y=100, kind=Seat.Kind.QUIET_DESK),
        "X1": make_seat("X1", floor=floor, x=400, y=100, is_active=False),
    }


def seat_markup(html: str, seat: Seat) -> str:
    """The opening tag of one seat's element in the SVG."""
    match = re.search(rf'<(a|g) class="seat [a-z]+"[^>]*id="seat-{seat.pk}"[^>]*>', html)
    assert match, f"seat {seat.label} is not on the map"
    return match.group(0)


def window(day=1, start="10:00", end="11:00") -> dict:
    return {"date": at(day, 0).date().isoformat(), "start": start, "end": end}


def test_anonymous_visitor_gets_the_landing_page(client, floor):
    response = client.get("/")
    assert response.status_code == 200
    assert "reservations/landing.html" in [t.name for t in response.templates]
    assert "<svg" not in response.content.decode()


def test_member_gets_the_map_for_the_next_slot_by_default(frozen, member_client, seats):
    response = member_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'viewBox="0 0 800 500"' in html
    # 09:05 rounds up to the 09:30 slot; one hour by default.
    assert 'value="09:30" selected' in html and 'value="10:30" selected' in html
    for seat in seats.values():
        seat_markup(html, seat)


def test_each_seat_is_drawn_with_its_state(frozen, member_client, member, other_member, seats):
    make_reservation(other_member, seats["A2"], at(1, 9), at(1, 12))
    make_reservation(member, seats["Q1"], at(1, 10), at(1, 11))
    html = member_client.get("/", window()).content.decode()
    assert 'class="seat free"' in seat_markup(html, seats["A1"])
    assert 'class="seat busy"' in seat_markup(html, seats["A2"])
    assert 'class="seat mine"' in seat_markup(html, seats["Q1"])
    assert 'class="seat inactive"' in seat_markup(html, seats["X1"])
    # A busy seat says until when it is taken, on the map and for screen readers.
    assert "12:00" in seat_markup(html, seats["A2"])
    # Hover and focus show label, kind and amenities.
    assert "<title>A2 · Desk · Window, Monitor — busy until 12:00</title>" in html


def test_free_seat_links_to_a_confirmation(frozen, member_client, seats):
    params = window()
    html = member_client.get("/", params).content.decode()
    assert 'href="?date=2026-12-02&amp;start=10%3A00&amp;end=11%3A00&amp;floor=' in seat_markup(
        html, seats["A1"]
    )
    confirm = member_client.get("/", {**params, "seat": seats["A1"].pk}).content.decode()
    assert 'id="confirm"' in confirm
    assert "Book this seat?" in confirm and "Floor 1" in confirm
    assert f'name="seat" value="{seats["A1"].pk}"' in confirm


def test_posting_a_free_seat_books_it_and_the_map_shows_it_as_mine(
    frozen, member_client, member, seats
):
    data = {**window(), "seat": seats["A1"].pk, "floor": seats["A1"].floor_id}
    response = member_client.post("/", data)
    assert response.status_code == 302
    reservation = Reservation.objects.get(user=member)
    assert (reservation.seat, reservation.start, reservation.end) == (
        seats["A1"],
        at(1, 10),
        at(1, 11),
    )
    page = member_client.get(response["Location"])
    html = page.content.decode()
    assert 'class="seat mine"' in seat_markup(html, seats["A1"])
    assert "Booked: seat A1" in html


def test_a_taken_seat_answers_409_with_the_conflict_next_to_the_form(
    frozen, member_client, other_member, seats
):
    make_reservation(other_member, seats["A1"], at(1, 10), at(1, 12))
    response = member_client.post("/", {**window(), "seat": seats["A1"].pk})
    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="book-errors"' in html
    assert "Seat A1 is already booked from 02.12 10:00 to 02.12 12:00." in html
    assert not Reservation.objects.filter(user__email="member@example.com").exists()


def test_policy_violations_are_shown_and_nothing_is_booked(frozen, member_client, seats):
    response = member_client.post("/", {**window(day=0, start="08:00", end="09:00"), "seat": 1})
    assert response.status_code == 400
    assert "This time is in the past." in response.content.decode()
    too_far = member_client.post("/", {**window(day=30), "seat": seats["A1"].pk})
    assert too_far.status_code == 400
    assert "You can book at most 14 days ahead." in too_far.content.decode()
    assert Reservation.objects.count() == 0


def test_unknown_seat_is_a_form_error(frozen, member_client, seats):
    response = member_client.post("/", {**window(), "seat": 99999})
    assert response.status_code == 400
    assert "This seat does not exist." in response.content.decode()


def test_unverified_member_sees_a_read_only_map_with_a_banner(frozen, client, unverified, seats):
    client.login(email=unverified.email, password=PASSWORD)
    html = client.get("/", window()).content.decode()
    assert 'id="verify-banner"' in html
    assert "staff must verify your account" in html
    assert "<a" not in seat_markup(html, seats["A1"])
    assert 'name="seat" value=' not in html
    response = client.post("/", {**window(), "seat": seats["A1"].pk})
    assert response.status_code == 403
    assert "Your account is waiting for staff verification." in response.content.decode()
    assert Reservation.objects.count() == 0


def test_filters_by_kind_and_amenity(frozen, member_client, seats):
    html = member_client.get("/", {**window(), "kind": "quiet_desk"}).content.decode()
    assert f'id="seat-{seats["Q1"].pk}"' in html and f'id="seat-{seats["A1"].pk}"' not in html
    both = member_client.get("/", {**window(), "amenity": ["monitor", "window"]}).content.decode()
    assert f'id="seat-{seats["A2"].pk}"' in both
    assert f'id="seat-{seats["A1"].pk}"' not in both


def test_switching_floors_shows_that_floors_seats(frozen, member_client, seats):
    upstairs = make_floor("Floor 2", ordering=1)
    b1 = make_seat("B1", floor=upstairs, x=50, y=50)
    html = member_client.get("/", {**window(), "floor": upstairs.pk}).content.decode()
    assert f'id="seat-{b1.pk}"' in html and f'id="seat-{seats["A1"].pk}"' not in html
    assert 'aria-current="page">Floor 2<' in html


def test_bad_parameters_are_field_errors_not_500(frozen, member_client, seats):
    response = member_client.get("/", {"date": "soon", "start": "25:00", "floor": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in html
    assert f'id="seat-{seats["A1"].pk}"' in html  # the default window is drawn meanwhile


def test_the_list_below_the_map_books_without_javascript(frozen, member_client, member, seats):
    html = member_client.get("/", window()).content.decode()
    assert f'<button type="submit" name="seat" value="{seats["A1"].pk}"' in html
    assert f'name="seat" value="{seats["X1"].pk}"' not in html


@pytest.mark.parametrize("count", [10, 200])
def test_the_map_uses_a_constant_number_of_queries(
    frozen, member_client, member, floor, count, django_assert_max_num_queries
):
    seats = [make_seat(f"S{i}", floor=floor, x=10 + i, y=10) for i in range(count)]
    for i, seat in enumerate(seats[::3]):  # one member each: a member holds one seat at a time
        make_reservation(make_user(f"busy{i}@example.com"), seat, at(1, 10), at(1, 11))
    make_reservation(member, seats[1], at(1, 10), at(1, 11))
    member_client.get("/", window())  # warm the session and the policy cache
    with django_assert_max_num_queries(6):
        response = member_client.get("/", window())
    assert response.content.decode().count('class="seat ') == count


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(0, 9, 5), (dt.date(2026, 12, 1), dt.time(9, 30), dt.time(10, 30))),
        (at(0, 9, 30), (dt.date(2026, 12, 1), dt.time(9, 30), dt.time(10, 30))),
        (at(0, 6, 0), (dt.date(2026, 12, 1), dt.time(8, 0), dt.time(9, 0))),
        (at(0, 21, 10), (dt.date(2026, 12, 1), dt.time(21, 30), dt.time(22))),
        (at(0, 21, 40), (dt.date(2026, 12, 2), dt.time(8, 0), dt.time(9, 0))),
    ],
)
def test_default_window_is_the_next_slot_inside_opening_hours(db, now, expected):
    from reservations.policy import get_policy

    policy = get_policy()
    assert default_window(policy, now) == expected


def test_the_map_speaks_russian_by_default(frozen, member_client, settings, seats):
    settings.LANGUAGE_CODE = "ru"
    html = member_client.get("/", window()).content.decode()
    assert '<html lang="ru">' in html
    assert "Карта этажа" in html and "Забронировать" in html
    response = member_client.post("/", {**window(day=0, start="08:00", end="09:00"), "seat": 1})
    assert "Это время уже прошло." in response.content.decode()


def test_every_seat_is_focusable_and_labelled(frozen, member_client, other_member, seats):
    make_reservation(other_member, seats["A2"], at(1, 9), at(1, 12))
    html = member_client.get("/", window()).content.decode()
    assert "href=" in seat_markup(html, seats["A1"])  # links are focusable by nature
    for label in ("A2", "X1"):
        tag = seat_markup(html, seats[label])
        assert 'tabindex="0"' in tag and "aria-label=" in tag


def test_a_past_window_is_explained_and_cannot_be_booked(frozen, member_client, seats):
    response = member_client.get("/", window(day=-1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This time is in the past." in html
    assert "<a" not in seat_markup(html, seats["A1"])
    assert 'name="seat" value=' not in html
