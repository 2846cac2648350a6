"""The admin saves floors and seats through seats.services, like the API."""

import pytest

from seats import services
from seats.models import Floor, Seat

pytestmark = pytest.mark.django_db


def seat_form(prefix: str = "", **values) -> dict:
    """A seat's admin form fields (``prefix`` for an inline row), overridable per test."""
    fields = {"kind": "desk", "amenities": "[]", "x": 1, "y": 2, "is_active": "on", **values}
    return {f"{prefix}{name}": value for name, value in fields.items()}


@pytest.fixture
def admin_client_(client, staff):
    client.force_login(staff)
    return client


def test_creating_a_seat_goes_through_the_service(admin_client_, monkeypatch):
    floor = Floor.objects.create(name="One")
    calls = []
    original = services.seat_create
    monkeypatch.setattr(services, "seat_create", lambda **kw: calls.append(kw) or original(**kw))
    response = admin_client_.post(
        "/admin/seats/seat/add/",
        seat_form(floor=floor.pk, label=" B7 ", amenities='["window", "power"]'),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    seat = Seat.objects.get()
    assert calls and seat.label == "B7"  # the service strips the label
    assert seat.amenities == ["power", "window"]  # and normalises amenities


def test_an_unknown_amenity_is_a_form_error_not_a_500(admin_client_):
    floor = Floor.objects.create(name="One")
    response = admin_client_.post(
        "/admin/seats/seat/add/",
        seat_form(floor=floor.pk, label="B8", amenities='["jacuzzi"]'),
    )
    assert response.status_code == 200
    assert "Unknown amenities" in response.content.decode()
    assert not Seat.objects.exists()


def test_editing_a_seat_and_the_bulk_actions_use_seat_update(admin_client_, monkeypatch):
    floor = Floor.objects.create(name="One")
    seat = services.seat_create(label="C1", x=1, y=1, floor=floor)
    updates = []
    original = services.seat_update
    monkeypatch.setattr(services, "seat_update", lambda **kw: updates.append(kw) or original(**kw))
    response = admin_client_.post(
        f"/admin/seats/seat/{seat.pk}/change/",
        seat_form(floor=floor.pk, label="C2", x=5, y=1),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    admin_client_.post(
        "/admin/seats/seat/", {"action": "deactivate", "_selected_action": [seat.pk]}
    )
    seat.refresh_from_db()
    assert (seat.label, seat.x, seat.is_active) == ("C2", 5, False)
    assert len(updates) == 2


def test_a_floor_is_saved_through_the_service(admin_client_, monkeypatch):
    created = []
    original = services.floor_create
    monkeypatch.setattr(services, "floor_create", lambda **kw: created.append(kw) or original(**kw))
    response = admin_client_.post(
        "/admin/seats/floor/add/",
        {
            "name": "  Second  ",
            "ordering": 1,
            "width": 800,
            "height": 500,
            "seats-TOTAL_FORMS": 1,
            "seats-INITIAL_FORMS": 0,
            **seat_form("seats-0-", label="Z1"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    floor = Floor.objects.get()
    assert created and floor.name == "Second"
    assert list(floor.seats.values_list("label", flat=True)) == ["Z1"]
