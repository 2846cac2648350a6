"""My bookings pages: list with QR, cancel, change time, .ics files and the secret feed."""

import pytest

from bookit.tests.clock import at
from reservations.models import Reservation
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat

pytestmark = pytest.mark.django_db
Status = Reservation.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def booking(member, seat):
    return make_reservation(member, seat, at(1, 10), at(1, 11))


@pytest.fixture
def others_booking(other_member, seat2):
    return make_reservation(other_member, seat2, at(1, 10), at(1, 11))


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/bookings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/bookings/")


def test_list_shows_upcoming_with_qr_and_past_with_status(
    frozen, member_client, member, seat, booking
):
    make_reservation(member, seat, at(-1, 10), at(-1, 11), status=Status.NO_SHOW)
    cancelled = make_reservation(member, seat, at(2, 10), at(2, 11), status=Status.CANCELLED)
    response = member_client.get("/bookings/")
    html = response.content.decode()
    assert response.status_code == 200
    upcoming, past = html.split('id="past-title"')
    assert f'id="booking-{booking.pk}"' in upcoming
    assert "Wed, 2 December, 10:00–11:00" in upcoming
    assert 'src="data:image/svg+xml;base64,' in upcoming
    assert "QR code for check-in: seat A1" in upcoming
    assert f'action="/bookings/{booking.pk}/cancel/"' in upcoming
    assert f'href="/bookings/{booking.pk}.ics"' in upcoming
    assert f'href="/tickets/new/?seat={seat.pk}&amp;reservation={booking.pk}"' in upcoming
    assert "No-show" in past and "Cancelled" in past
    assert f'id="booking-{cancelled.pk}"' in past
    member.refresh_from_db()
    assert f'value="http://testserver/calendar/{member.calendar_token}.ics"' in html
    assert f'href="webcal://testserver/calendar/{member.calendar_token}.ics"' in html


def test_list_never_shows_another_members_bookings(frozen, member_client, others_booking):
    html = member_client.get("/bookings/").content.decode()
    assert f'id="booking-{others_booking.pk}"' not in html
    assert "No upcoming bookings." in html


@pytest.mark.parametrize("count", [1, 50])
def test_list_uses_a_constant_number_of_queries(
    frozen, member_client, member, seat, count, django_assert_max_num_queries
):
    for day in range(1, 1 + count):
        make_reservation(member, seat, at(-day, 10), at(-day, 11), status=Status.CHECKED_IN)
    make_reservation(member, seat, at(1, 10), at(1, 11))
    member_client.get("/bookings/")  # warm the session, the policy cache and the feed token
    with django_assert_max_num_queries(4):
        response = member_client.get("/bookings/")
    assert response.content.decode().count("Checked in") == count


def test_cancel_asks_first_then_frees_the_seat_and_offers_undo(frozen, member_client, booking):
    card = member_client.get("/bookings/").content.decode()
    # The cancel button only opens the question; the POST is behind "Yes, cancel it".
    question = card.split('<details class="confirm-cancel">', 1)[1].split("</details>", 1)[0]
    assert "Cancel this booking?" in question
    assert f'action="/bookings/{booking.pk}/cancel/"' in question and "Yes, cancel it" in question
    response = member_client.post(f"/bookings/{booking.pk}/cancel/", follow=True)
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    html = response.content.decode()
    assert "Cancelled: seat A1, Wed, 2 December, 10:00–11:00." in html
    assert f'action="/bookings/{booking.pk}/restore/"' in html
    undone = member_client.post(f"/bookings/{booking.pk}/restore/", follow=True).content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.BOOKED
    assert "Booked again: seat A1, Wed, 2 December, 10:00–11:00." in undone
    assert f'action="/bookings/{booking.pk}/restore/"' not in undone


def test_undo_is_no_longer_offered_after_the_window(frozen, member_client, booking):
    member_client.post(f"/bookings/{booking.pk}/cancel/")
    frozen.shift(11 * 60)
    html = member_client.get("/bookings/").content.decode()
    assert f'action="/bookings/{booking.pk}/restore/"' not in html
    refused = member_client.post(f"/bookings/{booking.pk}/restore/", follow=True)
    assert "This cancellation can no longer be undone." in refused.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_change_time_dates_are_iso_in_both_languages(
    frozen, member_client, member, booking, language
):
    member.language = language
    member.save()
    member_client.cookies["django_language"] = language
    prefix = f"r{booking.pk}"
    for url in ("/bookings/", f"/bookings/{booking.pk}/change/"):
        html = member_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}"' in html
        assert f'type="date" name="{prefix}-date" value="2026-12-02"' in html
        assert "02.12.2026" not in html
    data = {f"{prefix}-date": "2026-12-03", f"{prefix}-start": "14:00", f"{prefix}-end": "15:00"}
    response = member_client.post(f"/bookings/{booking.pk}/change/", data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(2, 14)


def test_cancel_of_a_finished_booking_is_refused_with_a_message(
    frozen, member_client, member, seat
):
    past = make_reservation(member, seat, at(-1, 10), at(-1, 11), status=Status.CHECKED_IN)
    response = member_client.post(f"/bookings/{past.pk}/cancel/", follow=True)
    assert "This booking can no longer be cancelled." in response.content.decode()
    past.refresh_from_db()
    assert past.status == Status.CHECKED_IN


def test_cancel_needs_post(frozen, member_client, booking):
    assert member_client.get(f"/bookings/{booking.pk}/cancel/").status_code == 405


def test_change_time_rechecks_the_rules_and_saves(frozen, member_client, booking):
    prefix = f"r{booking.pk}"
    data = {f"{prefix}-date": "2026-12-03", f"{prefix}-start": "14:00", f"{prefix}-end": "15:30"}
    response = member_client.post(f"/bookings/{booking.pk}/change/", data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(2, 14), at(2, 15, 30))


def test_change_time_shows_a_conflict_next_to_the_form(
    frozen, member_client, booking, other_member, seat
):
    make_reservation(other_member, seat, at(1, 12), at(1, 13))
    prefix = f"r{booking.pk}"
    data = {f"{prefix}-date": "2026-12-02", f"{prefix}-start": "11:00", f"{prefix}-end": "12:30"}
    response = member_client.post(f"/bookings/{booking.pk}/change/", data)
    assert response.status_code == 409
    assert "Seat A1 is already booked from 02.12 12:00 to 02.12 13:00." in response.content.decode()
    booking.refresh_from_db()
    assert booking.start == at(1, 10)


def test_change_time_shows_policy_errors_on_their_field(frozen, member_client, booking):
    prefix = f"r{booking.pk}"
    data = {f"{prefix}-date": "2026-12-30", f"{prefix}-start": "10:00", f"{prefix}-end": "11:00"}
    response = member_client.post(f"/bookings/{booking.pk}/change/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{prefix}-start-error">You can book at most 14 days ahead.' in html


def test_change_form_page_is_prefilled(frozen, member_client, booking):
    html = member_client.get(f"/bookings/{booking.pk}/change/").content.decode()
    assert 'value="2026-12-02"' in html
    assert 'value="10:00" selected' in html and 'value="11:00" selected' in html


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/bookings/{pk}/cancel/"),
        ("post", "/bookings/{pk}/restore/"),
        ("get", "/bookings/{pk}/change/"),
        ("post", "/bookings/{pk}/change/"),
        ("get", "/bookings/{pk}.ics"),
    ],
)
def test_another_members_booking_is_404_everywhere(
    frozen, member_client, others_booking, method, path
):
    response = getattr(member_client, method)(path.format(pk=others_booking.pk))
    assert response.status_code == 404
    others_booking.refresh_from_db()
    assert others_booking.status == Status.BOOKED


def test_booking_ics_is_a_calendar_file(frozen, member_client, booking):
    response = member_client.get(f"/bookings/{booking.pk}.ics")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="bookit-{booking.pk}.ics"' in response["Content-Disposition"]
    assert "DTSTART:20261202T070000Z\r\n" in body and "DTEND:20261202T080000Z\r\n" in body
    assert f"UID:reservation-{booking.pk}@" in body


def test_calendar_feed_lists_upcoming_live_bookings_of_the_token_owner(
    frozen, client, member, seat, booking, others_booking
):
    from accounts.services import user_calendar_token

    make_reservation(member, seat, at(3, 10), at(3, 11), status=Status.CANCELLED)
    make_reservation(member, seat, at(-2, 10), at(-2, 11), status=Status.CHECKED_IN)
    later = make_reservation(member, make_seat("B7"), at(4, 9), at(4, 10))
    response = client.get(f"/calendar/{user_calendar_token(user=member)}.ics")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("BEGIN:VEVENT") == 2
    assert f"UID:reservation-{booking.pk}@" in body and f"UID:reservation-{later.pk}@" in body
    assert f"reservation-{others_booking.pk}@" not in body


def test_unknown_calendar_token_is_404(client, member):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_only_the_latest_past_bookings_are_listed(frozen, member_client, member, seat):
    for day in range(1, 53):
        make_reservation(member, seat, at(-day, 10), at(-day, 11), status=Status.NO_SHOW)
    html = member_client.get("/bookings/").content.decode()
    assert html.count("No-show") == 50
    assert "Showing the latest 50." in html
    assert "Mon, 30 November" in html  # yesterday, the most recent, comes first
