import pytest

from reservations import services
from reservations.models import Reservation
from reservations.policy import get_policy
from reservations.tests.factories import at, make_reservation, make_seat
from seats.models import Floor, Seat

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


class TestSeatsApi:
    def test_availability_in_a_window(self, member_api, member, other_member, seat, seat2):
        services.reservation_create(user=other_member, seat=seat, start=at(1, 10), end=at(1, 12))
        services.reservation_create(user=member, seat=seat2, start=at(1, 11), end=at(1, 12))
        inactive = make_seat("A3", floor=seat.floor, is_active=False)
        url = f"/api/seat?start={at(1, 11).isoformat()}&end={at(1, 13).isoformat()}"
        rows = {r["id"]: r for r in member_api.get(url.replace("+", "%2B")).json()}
        assert inactive.pk not in rows
        assert rows[seat.pk]["available"] is False and rows[seat.pk]["busy_until"]
        assert rows[seat2.pk]["available"] is False and rows[seat2.pk]["mine"] is True
        after = f"/api/seat?start={at(1, 12).isoformat()}&end={at(1, 13).isoformat()}"
        rows = {r["id"]: r for r in member_api.get(after.replace("+", "%2B")).json()}
        assert rows[seat.pk]["available"] is True  # half-open: free from 12:00

    def test_filters_and_bad_params(self, member_api, seat):
        make_seat("M1", floor=seat.floor, kind=Seat.Kind.MEETING_ROOM, amenities=["monitor"])
        rows = member_api.get("/api/seat?kind=meeting_room").json()
        assert [r["label"] for r in rows] == ["M1"]
        assert [r["label"] for r in member_api.get("/api/seat?amenity=monitor").json()] == ["M1"]
        assert member_api.get("/api/seat?kind=sofa").status_code == 400
        assert member_api.get("/api/seat?start=yesterday&end=x").status_code == 400
        assert (
            member_api.get(
                f"/api/seat?start={at(1, 10).isoformat()}".replace("+", "%2B")
            ).status_code
            == 400
        )

    @pytest.mark.parametrize("count", [10, 500])
    def test_availability_uses_constant_queries(
        self, member_api, member, count, django_assert_max_num_queries
    ):
        floor = Floor.objects.create(name="Big")
        seats = Seat.objects.bulk_create(
            [Seat(floor=floor, label=f"S{i}", x=i, y=i) for i in range(count)]
        )
        for s in seats[: count // 2]:
            make_reservation(None, s, at(1, 10), at(1, 11))
        url = f"/api/seat?start={at(1, 10).isoformat()}&end={at(1, 11).isoformat()}"
        get_policy()
        # The seats with their bookings, plus the booking policy read once for the request.
        with django_assert_max_num_queries(3):
            rows = member_api.get(url.replace("+", "%2B")).json()
        assert len(rows) == count
        assert sum(not r["available"] for r in rows) == count // 2

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

    def test_seat_detail_with_day_reservations(self, member_api, member, other_member, seat):
        services.reservation_create(user=other_member, seat=seat, start=at(1, 10), end=at(1, 11))
        body = member_api.get(f"/api/seat/{seat.pk}?date=2026-12-02").json()
        assert body["label"] == "A1" and body["day"] == "2026-12-02"
        assert [(r["mine"], r["status"]) for r in body["reservations"]] == [(False, "booked")]
        assert "user" not in body["reservations"][0]
        assert member_api.get("/api/seat/99999").status_code == 404

    def test_floors_list_with_seats_in_natural_order(self, member_api, seat, seat2):
        make_seat("A10", floor=seat.floor)
        floors = member_api.get("/api/floors").json()
        assert [s["label"] for s in floors[0]["seats"]] == ["A1", "A2", "A10"]
        one = member_api.get(f"/api/floors/{seat.floor_id}").json()
        assert [s["label"] for s in one["seats"]] == ["A1", "A2", "A10"]
        listed = member_api.get("/api/seat").json()
        assert [s["label"] for s in listed] == ["A1", "A2", "A10"]

    def test_staff_seat_crud(self, staff_api, member_api):
        created = staff_api.post(
            "/api/seat", {"label": "Z1", "x": 5, "y": 6, "amenities": ["window"]}
        )
        assert created.status_code == 201
        assert created.json()["floor"] == Floor.objects.get().pk  # created on demand
        seat_id = created.json()["id"]
        duplicate = staff_api.post("/api/seat", {"label": "Z1", "x": 1, "y": 1})
        assert duplicate.status_code == 400 and "label" in duplicate.json()["errors"]
        bad = staff_api.post("/api/seat", {"label": "Z2", "x": 1, "y": 1, "amenities": ["sofa"]})
        assert bad.status_code == 400 and "amenities" in bad.json()["errors"]
        assert staff_api.patch(f"/api/seat/{seat_id}", {"x": 50}).json()["x"] == 50
        assert member_api.post("/api/seat", {"label": "Q", "x": 1, "y": 1}).status_code == 403
        assert member_api.delete(f"/api/seat/{seat_id}").status_code == 403
        assert staff_api.delete(f"/api/seat/{seat_id}").status_code == 204

    def test_seat_with_future_bookings_cannot_be_deleted(self, staff_api, member, seat):
        services.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 11))
        response = staff_api.delete(f"/api/seat/{seat.pk}")
        assert response.status_code == 409
        assert "Deactivate it instead" in response.json()["detail"]
        assert Seat.objects.filter(pk=seat.pk).exists()
        deactivated = staff_api.patch(f"/api/seat/{seat.pk}", {"is_active": False})
        assert deactivated.json()["is_active"] is False

    def test_staff_floor_crud(self, staff_api, member_api, seat, member):
        created = staff_api.post("/api/floors", {"name": "Roof", "width": 800, "height": 400})
        assert created.status_code == 201
        floor_id = created.json()["id"]
        assert staff_api.patch(f"/api/floors/{floor_id}", {"name": "Roof 2"}).json()["name"] == (
            "Roof 2"
        )
        assert member_api.post("/api/floors", {"name": "x"}).status_code == 403
        assert staff_api.delete(f"/api/floors/{floor_id}").status_code == 204
        make_reservation(member, seat, at(-1, 10), at(-1, 11))
        assert staff_api.delete(f"/api/floors/{seat.floor_id}").status_code == 409
