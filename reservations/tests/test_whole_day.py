"""Whole-day mode: one tap books the seat for the day's opening hours, through the one service."""

import pytest

from bookit.tests.clock import NOW, at
from reservations.models import BookingPolicy, Reservation
from reservations.policy import policy_changed
from reservations.tests.factories import make_reservation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _whole_day_policy():
    # Opening hours 08:00-22:00 are 14 h: let a whole day fit in one booking.
    BookingPolicy.objects.update_or_create(pk=1, defaults={"max_minutes": 14 * 60})
    policy_changed()


class TestWholeDayApi:
    def test_tomorrow_is_opening_to_closing(self, member_api, seat):
        _whole_day_policy()
        day = at(1, 0).date().isoformat()
        response = member_api.post(
            "/api/reservations", {"seat": seat.pk, "whole_day": True, "date": day}, format="json"
        )
        assert response.status_code == 201, response.data
        reservation = Reservation.objects.get(pk=response.data["id"])
        assert (reservation.start, reservation.end) == (at(1, 8), at(1, 22))

    def test_today_starts_at_the_current_slot(self, member_api, seat):
        _whole_day_policy()
        response = member_api.post(
            "/api/reservations", {"seat": seat.pk, "whole_day": True}, format="json"
        )
        assert response.status_code == 201, response.data
        reservation = Reservation.objects.get(pk=response.data["id"])
        # now is 09:05: the 09:00 slot is the first bookable one.
        assert (reservation.start, reservation.end) == (at(0, 9), at(0, 22))

    def test_capped_at_the_maximum_duration(self, member_api, seat):
        day = at(1, 0).date().isoformat()
        response = member_api.post(
            "/api/reservations", {"seat": seat.pk, "whole_day": True, "date": day}, format="json"
        )
        assert response.status_code == 201
        reservation = Reservation.objects.get(pk=response.data["id"])
        assert (reservation.start, reservation.end) == (at(1, 8), at(1, 20))

    def test_a_taken_seat_is_409(self, member_api, other_member, seat):
        make_reservation(other_member, seat, at(1, 15), at(1, 16))
        day = at(1, 0).date().isoformat()
        response = member_api.post(
            "/api/reservations", {"seat": seat.pk, "whole_day": True, "date": day}, format="json"
        )
        assert response.status_code == 409
        assert response.data["conflict"]["mine"] is False
        assert Reservation.objects.count() == 1

    @pytest.mark.parametrize("offset", [-1, 30])
    def test_a_past_or_too_far_day_is_400_naming_the_field(self, member_api, seat, offset):
        day = at(offset, 0).date().isoformat()
        response = member_api.post(
            "/api/reservations", {"seat": seat.pk, "whole_day": True, "date": day}, format="json"
        )
        assert response.status_code == 400
        assert set(response.data["errors"]) & {"date", "start"}
        assert not Reservation.objects.exists()

    def test_without_whole_day_start_and_end_are_required(self, member_api, seat):
        response = member_api.post("/api/reservations", {"seat": seat.pk}, format="json")
        assert response.status_code == 400
        assert {"start", "end"} <= set(response.data["errors"])


class TestWholeDayPage:
    def test_the_confirmation_offers_the_whole_day(self, member_client, seat):
        response = member_client.get(f"/?floor={seat.floor_id}&seat={seat.pk}")
        assert 'name="whole_day"' in response.content.decode()

    def test_one_tap_books_the_day(self, member_client, member, seat):
        _whole_day_policy()
        day = at(2, 0).date().isoformat()
        response = member_client.post(
            "/",
            {
                "date": day,
                "start": "10:00",
                "end": "11:00",
                "floor": seat.floor_id,
                "seat": seat.pk,
                "whole_day": "1",
            },
        )
        assert response.status_code == 302
        assert "start=08%3A00" in response["Location"] and "end=22%3A00" in response["Location"]
        reservation = Reservation.objects.get(user=member)
        assert (reservation.start, reservation.end) == (at(2, 8), at(2, 22))
        assert NOW < reservation.start
