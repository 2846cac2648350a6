"""The desk's own QR code: the staff's codes, what a member scanning one sees (never anyone
else's identity), check-in of their own booking and the walk-in, in the API and on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookit.tests.clock import at
from reservations.models import Reservation
from reservations.qr import qr_image
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat
from seats.tokens import seat_desk_url, seat_id_from_token, seat_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
Status = Reservation.Status


def api_url(seat, suffix=""):
    return f"/api/seat/by-token/{seat_token(seat.pk)}{suffix}"


class TestTokens:
    def test_round_trip_and_forgery(self, seat, settings):
        token = seat_token(seat.pk)
        assert seat_id_from_token(token) == seat.pk
        assert seat_id_from_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert seat_id_from_token(str(seat.pk)) is None
        settings.SITE_URL = "https://book.example"
        assert seat_desk_url(seat.pk) == f"https://book.example/s/{token}"

    def test_a_forged_token_is_404(self, member_api, seat):
        assert member_api.get(f"/api/seat/by-token/{seat.pk}:forged").status_code == 404
        assert member_api.post(f"/api/seat/by-token/{seat.pk}:forged/walkin").status_code == 404


class TestSeatQR:
    def test_staff_get_png_and_svg(self, staff_api, seat):
        png = staff_api.get(f"/api/seat/{seat.pk}/qr")
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        # The same bytes as a code of the desk page's URL on this host: that is what it encodes.
        expected = qr_image(f"http://testserver/s/{seat_token(seat.pk)}", fmt="png")[0]
        assert png.content == expected
        svg = staff_api.get(f"/api/seat/{seat.pk}/qr?format=svg")
        assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content

    def test_members_get_403_and_unknown_seats_404(self, member_api, staff_api, seat):
        assert member_api.get(f"/api/seat/{seat.pk}/qr").status_code == 403
        assert staff_api.get("/api/seat/99999/qr").status_code == 404

    def test_the_sheet_prints_every_seat_of_the_floor(self, staff_client, seat, seat2):
        elsewhere = make_seat("Z9", floor=make_floor("Floor 2"))
        response = staff_client.get(f"/staff/seat-codes/?floor={seat.floor_id}")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count("<svg") == 2 and f'id="code-{seat2.pk}"' in html
        assert f'id="code-{elsewhere.pk}"' not in html

    def test_the_sheet_is_staff_only(self, member_client, seat):
        assert member_client.get("/staff/seat-codes/").status_code == 302


class TestDeskState:
    def test_free_now_until_the_next_booking(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(0, 13), at(0, 14))
        data = member_api.get(api_url(seat)).data
        assert data["free_now"] is True and data["can_walk_in"] is True
        assert data["free_until"].startswith(at(0, 13).isoformat()[:16])
        assert data["my_booking"] is None
        assert data["seat"]["label"] == seat.label

    def test_busy_says_when_it_frees_and_never_who(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(0, 9), at(0, 11), status=Status.CHECKED_IN)
        make_reservation(other_member, seat, at(0, 11), at(0, 12))  # back to back
        response = member_api.get(api_url(seat))
        data = response.data
        assert data["free_now"] is False and data["can_walk_in"] is False
        assert data["busy_until"].startswith(at(0, 12).isoformat()[:16])
        body = response.content.decode()
        for secret in (other_member.email, other_member.first_name, other_member.last_name):
            assert secret not in body
        assert f'"user":{other_member.pk}' not in body.replace(" ", "")

    def test_my_current_booking(self, member_api, member, seat):
        mine = make_reservation(member, seat, at(0, 9), at(0, 10))
        data = member_api.get(api_url(seat)).data
        assert data["my_booking"]["id"] == mine.pk and data["can_check_in"] is True

    def test_constant_queries(self, member_api, other_member, seat):
        for hour in (12, 14, 16):
            make_reservation(other_member, seat, at(0, hour), at(0, hour + 1))
        member_api.get(api_url(seat))
        with CaptureQueriesContext(connection) as queries:
            assert member_api.get(api_url(seat)).status_code == 200
        assert len(queries) <= 6

    def test_anonymous_api_is_401(self, api, seat):
        assert api.get(api_url(seat)).status_code == 401


class TestDeskCheckIn:
    def test_own_booking_is_checked_in_once(self, member_api, member, seat):
        mine = make_reservation(member, seat, at(0, 9), at(0, 10))
        first = member_api.post(api_url(seat, "/checkin"))
        assert first.status_code == 200 and first.data["already_checked_in"] is False
        again = member_api.post(api_url(seat, "/checkin"))
        assert again.status_code == 200 and again.data["already_checked_in"] is True
        mine.refresh_from_db()
        assert mine.status == Status.CHECKED_IN

    def test_nothing_to_check_in_is_400(self, member_api, other_member, seat):
        theirs = make_reservation(other_member, seat, at(0, 9), at(0, 10))
        response = member_api.post(api_url(seat, "/checkin"))
        assert response.status_code == 400
        theirs.refresh_from_db()
        assert theirs.status == Status.BOOKED

    def test_booking_of_another_seat_is_not_checked_in(self, member_api, member, seat, seat2):
        make_reservation(member, seat2, at(0, 9), at(0, 10))
        assert member_api.post(api_url(seat, "/checkin")).status_code == 400


class TestWalkIn:
    def test_default_until_the_next_booking_checked_in(
        self, member_api, member, other_member, seat
    ):
        make_reservation(other_member, seat, at(0, 13), at(0, 14))
        response = member_api.post(api_url(seat, "/walkin"), {}, format="json")
        assert response.status_code == 201, response.data
        walk_in = Reservation.objects.get(pk=response.data["id"])
        assert (walk_in.start, walk_in.end) == (at(0, 9), at(0, 13))
        assert walk_in.status == Status.CHECKED_IN and walk_in.user == member

    def test_default_until_closing_capped_at_the_maximum(self, member_api, seat):
        response = member_api.post(api_url(seat, "/walkin"), {}, format="json")
        walk_in = Reservation.objects.get(pk=response.data["id"])
        assert (walk_in.start, walk_in.end) == (at(0, 9), at(0, 21))

    def test_chosen_end(self, member_api, seat):
        end = at(0, 11).isoformat()
        response = member_api.post(api_url(seat, "/walkin"), {"end": end}, format="json")
        assert response.status_code == 201
        assert Reservation.objects.get().end == at(0, 11)

    def test_a_busy_seat_is_refused_and_nothing_is_written(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(0, 9), at(0, 10))
        response = member_api.post(api_url(seat, "/walkin"), {}, format="json")
        assert response.status_code == 409 and "seat" in response.data["errors"]
        chosen = member_api.post(
            api_url(seat, "/walkin"), {"end": at(0, 11).isoformat()}, format="json"
        )
        assert chosen.status_code == 409
        assert "user" not in chosen.data["conflict"]
        assert Reservation.objects.count() == 1

    def test_an_end_off_the_grid_is_400(self, member_api, seat):
        response = member_api.post(
            api_url(seat, "/walkin"), {"end": at(0, 11, 10).isoformat()}, format="json"
        )
        assert response.status_code == 400 and "end" in response.data["errors"]
        assert not Reservation.objects.exists()

    def test_unverified_member_is_403(self, unverified, api, seat):
        api.force_authenticate(unverified)
        assert api.post(api_url(seat, "/walkin"), {}, format="json").status_code == 403
        assert not Reservation.objects.exists()


class TestDeskPage:
    def test_anonymous_sees_free_and_a_login_link(self, client, seat):
        assert client.get(f"/s/{seat_token(seat.pk)}").status_code == 200  # as printed
        response = client.get(f"/s/{seat_token(seat.pk)}/")
        html = response.content.decode()
        assert response.status_code == 200 and "Free now" in html and "/login/?next=" in html

    def test_busy_page_never_names_the_holder(self, member_client, other_member, seat):
        make_reservation(other_member, seat, at(0, 9), at(0, 10))
        html = member_client.get(f"/s/{seat_token(seat.pk)}/").content.decode()
        assert "Busy now" in html and "Frees at 10:00" in html
        assert other_member.first_name not in html and other_member.email not in html

    def test_forged_page_is_404(self, client, seat):
        assert client.get(f"/s/{seat.pk}:nope/").status_code == 404

    def test_check_in_in_one_tap(self, member_client, member, seat):
        mine = make_reservation(member, seat, at(0, 9), at(0, 10))
        token = seat_token(seat.pk)
        assert 'id="desk-checkin"' in member_client.get(f"/s/{token}/").content.decode()
        response = member_client.post(f"/s/{token}/checkin/", follow=True)
        assert "Checked in." in response.content.decode()
        mine.refresh_from_db()
        assert mine.status == Status.CHECKED_IN

    def test_walk_in_on_the_page(self, member_client, member, seat):
        token = seat_token(seat.pk)
        response = member_client.post(f"/s/{token}/walkin/", {"end": at(0, 10).isoformat()})
        assert response.status_code == 302
        walk_in = Reservation.objects.get(user=member)
        assert walk_in.status == Status.CHECKED_IN and walk_in.end == at(0, 10)

    def test_walk_in_error_is_shown(self, member_client, seat):
        response = member_client.post(f"/s/{seat_token(seat.pk)}/walkin/", {"end": "garbage"})
        assert response.status_code == 400 and 'id="desk-error"' in response.content.decode()
