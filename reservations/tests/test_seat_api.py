"""The seat API (/api/seat, reservations/api/seat_views.py): availability in a window, filters,
a day's bookings, constant queries, and the staff's seat CRUD."""

import pytest

from bookit.tests.clock import at
from reservations import services
from reservations.policy import get_policy
from reservations.tests.factories import make_reservation
from seats.models import Floor, Seat
from seats.tests.factories import make_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


class TestSeatApi:
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
        # The seats, their bookings, the blocks over the window, plus the booking policy and
        # its overrides read once for the request; and the caller's favourites (issue 16).
        with django_assert_max_num_queries(6):
            rows = member_api.get(url.replace("+", "%2B")).json()
        assert len(rows) == count
        assert sum(not r["available"] for r in rows) == count // 2

    def test_seat_detail_with_day_reservations(self, member_api, member, other_member, seat):
        services.reservation_create(user=other_member, seat=seat, start=at(1, 10), end=at(1, 11))
        body = member_api.get(f"/api/seat/{seat.pk}?date=2026-12-02").json()
        assert body["label"] == "A1" and body["day"] == "2026-12-02"
        assert [(r["mine"], r["status"]) for r in body["reservations"]] == [(False, "booked")]
        assert "user" not in body["reservations"][0]
        assert member_api.get("/api/seat/99999").status_code == 404

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
