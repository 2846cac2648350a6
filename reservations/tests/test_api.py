import pytest

from bookit.tests.clock import at
from reservations import services
from reservations.models import Reservation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
Status = Reservation.Status


def payload(seat, start, end, **extra):
    return {"seat": seat.pk, "start": start.isoformat(), "end": end.isoformat(), **extra}


class TestReservationsApi:
    def test_create_returns_201_with_the_contract(self, member_api, member, seat):
        response = member_api.post("/api/reservations", payload(seat, at(1, 10), at(1, 11)))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert set(body) >= {"id", "seat", "user", "start", "end", "status"}
        assert (body["seat"], body["user"], body["status"]) == (seat.pk, member.pk, "booked")
        assert body["start"].endswith("+03:00")

    def test_trailing_slash_is_optional(self, member_api, seat):
        response = member_api.post("/api/reservations/", payload(seat, at(1, 10), at(1, 11)))
        assert response.status_code == 201

    def test_conflict_is_409_naming_the_conflict(self, member_api, other_api, seat):
        first = member_api.post("/api/reservations", payload(seat, at(1, 10), at(1, 11))).json()
        response = other_api.post("/api/reservations", payload(seat, at(1, 10, 30), at(1, 12)))
        assert response.status_code == 409
        body = response.json()
        assert body["conflict"]["id"] == first["id"]
        assert "already booked" in body["detail"] and body["errors"]["seat"]

    def test_policy_violation_is_400_with_field(self, member_api, seat):
        response = member_api.post("/api/reservations", payload(seat, at(1, 10, 10), at(1, 11)))
        assert response.status_code == 400
        assert "start" in response.json()["errors"]

    def test_bad_input_is_400(self, member_api, seat):
        response = member_api.post(
            "/api/reservations", {"seat": 99999, "start": "tomorrow", "end": ""}
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"seat", "start", "end"}

    def test_unverified_member_gets_403(self, unverified, seat):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(unverified)
        response = client.post("/api/reservations", payload(seat, at(1, 10), at(1, 11)))
        assert response.status_code == 403
        assert "verification" in response.json()["detail"]

    def test_anonymous_gets_401(self, api, seat):
        assert api.get("/api/reservations").status_code == 401

    def test_list_shows_only_mine_paginated(self, member_api, member, other_member, seat, seat2):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        services.reservation_create(user=other_member, seat=seat2, start=at(1, 10), end=at(1, 11))
        body = member_api.get("/api/reservations").json()
        assert body["count"] == 1 and body["results"][0]["id"] == mine.pk
        filtered = member_api.get("/api/reservations?status=cancelled").json()
        assert filtered["count"] == 0

    def test_other_members_reservation_is_404_on_every_method(self, other_api, member, seat):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        url = f"/api/reservations/{mine.pk}"
        assert other_api.get(url).status_code == 404
        assert other_api.patch(url, {"end": at(1, 12).isoformat()}).status_code == 404
        assert other_api.delete(url).status_code == 404
        assert other_api.get(url + "/qr").status_code == 404
        assert other_api.post(url + "/cancel").status_code == 404
        mine.refresh_from_db()
        assert mine.status == Status.BOOKED and mine.end == at(1, 11)

    def test_patch_rechecks_and_delete_cancels(self, member_api, member, seat):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        url = f"/api/reservations/{mine.pk}"
        assert member_api.patch(url, {"end": at(1, 23).isoformat()}).status_code == 400
        moved = member_api.patch(url, {"end": at(1, 12).isoformat()})
        assert moved.status_code == 200 and moved.json()["end"].startswith("2026-12-02T12:00")
        cancelled = member_api.delete(url)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    def test_qr_is_an_image_of_a_signed_token(self, member_api, member, seat):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        png = member_api.get(f"/api/reservations/{mine.pk}/qr")
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        assert png.content.startswith(b"\x89PNG")
        svg = member_api.get(f"/api/reservations/{mine.pk}/qr?format=svg")
        assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


class TestAdminApi:
    def test_staff_creates_for_a_member(self, staff_api, staff, unverified, seat):
        response = staff_api.post(
            "/api/admin/reservation/create", payload(seat, at(1, 10), at(1, 11), user=unverified.pk)
        )
        assert response.status_code == 201
        assert Reservation.objects.get().created_by == staff

    def test_members_get_403(self, member_api, member, seat):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        assert member_api.get("/api/admin/reservations").status_code == 403
        assert (
            member_api.post(
                "/api/admin/reservation/create", payload(seat, at(1, 12), at(1, 13), user=member.pk)
            ).status_code
            == 403
        )
        assert member_api.patch(f"/api/admin/reservation/{mine.pk}", {}).status_code == 403
        assert member_api.post(f"/api/admin/check_qr/{mine.pk}", {"token": "x"}).status_code == 403

    def test_staff_list_filters(self, staff_api, member, other_member, seat, seat2):
        a = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        services.reservation_create(user=other_member, seat=seat2, start=at(2, 10), end=at(2, 11))
        assert staff_api.get("/api/admin/reservations").json()["count"] == 2
        by_user = staff_api.get(f"/api/admin/reservations?user={member.pk}").json()
        assert [r["id"] for r in by_user["results"]] == [a.pk]
        by_seat = staff_api.get(f"/api/admin/reservations?seat={seat2.pk}").json()
        assert by_seat["count"] == 1
        window = f"start={at(2, 0).isoformat()}&end={at(3, 0).isoformat()}".replace("+", "%2B")
        assert staff_api.get(f"/api/admin/reservations?{window}").json()["count"] == 1
        assert staff_api.get("/api/admin/reservations?seat=abc").status_code == 400

    def test_staff_patch_and_delete(self, staff_api, member, seat, seat2):
        mine = services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        url = f"/api/admin/reservation/{mine.pk}"
        assert staff_api.patch(url, {"seat": seat2.pk}).json()["seat"] == seat2.pk
        assert staff_api.delete(url).json()["status"] == "cancelled"

    def test_check_qr(self, staff_api, member, seat, frozen):
        mine = services.reservation_create(
            user=member, seat=seat, start=at(0, 9, 30), end=at(0, 10, 30)
        )
        frozen.move_to(at(0, 9, 20))
        token = services.checkin_token(mine)
        url = f"/api/admin/check_qr/{mine.pk}"
        first = staff_api.post(url, {"token": token})
        assert first.status_code == 200
        assert first.json()["reservation"]["status"] == "checked_in"
        assert first.json()["already_checked_in"] is False
        assert staff_api.post(url, {"token": token}).json()["already_checked_in"] is True
        forged = staff_api.post(url, {"token": token[:-3] + "abc"})
        assert forged.status_code == 400 and "token" in forged.json()["errors"]


class TestMyReservationsApi:
    @pytest.mark.parametrize("count", [10, 500])
    def test_my_reservations_use_constant_queries(
        self, member_api, member, seat, count, django_assert_max_num_queries
    ):
        Reservation.objects.bulk_create(
            [
                Reservation(
                    user=member,
                    seat=seat,
                    start=at(-30, 8),
                    end=at(-30, 9),
                    status=Status.CANCELLED,
                )
                for _ in range(count)
            ]
        )
        with django_assert_max_num_queries(2):
            body = member_api.get("/api/reservations?page_size=200").json()
        assert body["count"] == count
