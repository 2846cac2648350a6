"""The floors API (seats/api/views.py): floors with their seats in natural order, staff CRUD."""

import pytest

from bookit.tests.clock import at
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


class TestFloorsApi:
    def test_floors_list_with_seats_in_natural_order(self, member_api, seat, seat2):
        make_seat("A10", floor=seat.floor)
        floors = member_api.get("/api/floors").json()
        assert [s["label"] for s in floors[0]["seats"]] == ["A1", "A2", "A10"]
        one = member_api.get(f"/api/floors/{seat.floor_id}").json()
        assert [s["label"] for s in one["seats"]] == ["A1", "A2", "A10"]
        listed = member_api.get("/api/seat").json()
        assert [s["label"] for s in listed] == ["A1", "A2", "A10"]

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
