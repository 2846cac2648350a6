"""The floor editor's endpoint and the admin: floors and seats are saved through seats.services,
like the API."""

import json

import pytest

from accounts.tests.factories import make_user
from bookit.tests.clock import at
from reservations.tests.factories import make_reservation
from seats import services
from seats.models import Floor, Seat, Zone
from seats.tests.factories import make_floor, make_seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(db):
    return make_floor("Floor 1", width=800, height=500)


@pytest.fixture
def a1(floor):
    return make_seat("A1", floor=floor, x=100, y=100)


def post(client, floor, body, raw=None):
    return client.post(
        f"/admin/seats/floor/{floor.pk}/layout/",
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
    )


def test_the_floor_page_carries_the_editor_and_its_data(client, staff, floor, a1):
    Zone.objects.create(floor=floor, name="Quiet zone", x=10, y=10, width=300, height=200)
    client.force_login(staff)
    page = client.get(f"/admin/seats/floor/{floor.pk}/change/").content.decode()
    assert 'id="floor-editor"' in page and "floor_editor.js" in page
    data = json.loads(page.split('id="fe-data" type="application/json">')[1].split("</script>")[0])
    assert data["seats"][0]["label"] == "A1" and data["zones"][0]["name"] == "Quiet zone"
    assert "amenities" in page and '"amenities": [["monitor"' in page


def test_it_moves_adds_removes_and_draws_zones(client, staff, floor, a1):
    gone = make_seat("A2", floor=floor)
    client.force_login(staff)
    body = {
        "seats": [
            {"id": a1.pk, "x": 420, "y": 260, "kind": "quiet_desk", "amenities": ["power"]},
            {"id": gone.pk, "delete": True},
            {"label": "B7", "x": 50, "y": 60, "amenities": ["monitor", "window"]},
        ],
        "zones": [{"name": "Kitchen", "x": 0, "y": 0, "width": 200, "height": 100}],
    }
    response = post(client, floor, body)
    assert response.status_code == 200, response.json()
    a1.refresh_from_db()
    assert (a1.x, a1.y, a1.kind, a1.amenities) == (420, 260, "quiet_desk", ["power"])
    assert not Seat.objects.filter(pk=gone.pk).exists()
    assert Seat.objects.get(label="B7").amenities == ["monitor", "window"]
    assert list(Zone.objects.values_list("name", "width")) == [("Kitchen", 200)]
    assert {s["label"] for s in response.json()["seats"]} == {"A1", "B7"}


def test_a_broken_rule_names_the_item_and_writes_nothing(client, staff, floor, a1):
    client.force_login(staff)
    body = {"seats": [{"id": a1.pk, "x": 300}, {"label": "A1", "x": 1, "y": 1}], "zones": []}
    response = post(client, floor, body)
    assert response.status_code == 400
    assert "seats.1.label" in response.json()["errors"]
    a1.refresh_from_db()
    assert a1.x == 100 and Seat.objects.count() == 1


def test_a_seat_with_bookings_is_not_deleted(client, staff, member, floor, a1):
    make_reservation(member, a1, at(1, 10), at(1, 11))
    client.force_login(staff)
    response = post(client, floor, {"seats": [{"id": a1.pk, "delete": True}]})
    assert response.status_code == 409
    assert "seats.0" in response.json()["errors"] and Seat.objects.filter(pk=a1.pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"seats": [{"label": "Z", "x": -5, "y": 1}]},
        {"seats": [{"label": "Z", "x": "ten", "y": 1}]},
        {"seats": [{"label": "", "x": 1, "y": 1}]},
        {"seats": [{"label": "Z", "x": 1, "y": 1, "kind": "sofa"}]},
        {"seats": [{"label": "Z", "x": 1, "y": 1, "amenities": ["jacuzzi"]}]},
        {"zones": [{"name": "", "x": 0, "y": 0, "width": 10, "height": 10}]},
        {"zones": [{"name": "Z", "x": 0, "y": 0, "width": 0, "height": 10}]},
        {"seats": "nope"},
        {"seats": [1, 2]},
    ],
)
def test_bad_input_is_400_never_500(client, staff, floor, body):
    client.force_login(staff)
    response = post(client, floor, body)
    assert response.status_code == 400 and "detail" in response.json()
    assert not Seat.objects.exists() and not Zone.objects.exists()


def test_not_json_and_oversized_bodies(client, staff, floor):
    client.force_login(staff)
    assert post(client, floor, None, raw="{nope").status_code == 400
    assert post(client, floor, None, raw="[" + "1," * 300_000 + "1]").status_code == 413


def test_another_floors_seat_is_404(client, staff, floor):
    other = make_seat("X1", floor=make_floor("Annex"))
    client.force_login(staff)
    response = post(client, floor, {"seats": [{"id": other.pk, "x": 5}]})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.x == 0


def test_members_and_read_only_staff_cannot_save(client, member, floor, a1):
    from django.contrib.auth.models import Permission

    client.force_login(member)
    assert post(client, floor, {"seats": [{"id": a1.pk, "x": 5}]}).status_code == 302
    viewer = make_user("viewer@example.com", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_floor"))
    client.force_login(viewer)
    assert post(client, floor, {"seats": [{"id": a1.pk, "x": 5}]}).status_code == 403
    a1.refresh_from_db()
    assert a1.x == 100


def test_the_seat_form_has_amenity_checkboxes(client, staff, floor, a1):
    client.force_login(staff)
    page = client.get(f"/admin/seats/seat/{a1.pk}/change/").content.decode()
    assert 'type="checkbox" name="amenities" value="monitor"' in page
    data = {"floor": floor.pk, "label": "A1", "kind": "desk", "x": 5, "y": 6, "is_active": "on"}
    response = client.post(
        f"/admin/seats/seat/{a1.pk}/change/", {**data, "amenities": ["monitor", "power"]}
    )
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.amenities == ["monitor", "power"]


# --- the admin's forms (main) ---


def seat_form(prefix: str = "", **values) -> dict:
    """A seat's admin form fields (``prefix`` for an inline row), overridable per test."""
    fields = {"kind": "desk", "amenities": [], "x": 1, "y": 2, "is_active": "on", **values}
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
        seat_form(floor=floor.pk, label=" B7 ", amenities=["window", "power"]),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    seat = Seat.objects.get()
    assert calls and seat.label == "B7"  # the service strips the label
    assert seat.amenities == ["power", "window"]  # and normalises amenities


def test_an_unknown_amenity_is_a_form_error_not_a_500(admin_client_):
    floor = Floor.objects.create(name="One")
    response = admin_client_.post(
        "/admin/seats/seat/add/",
        seat_form(floor=floor.pk, label="B8", amenities=["jacuzzi"]),
    )
    assert response.status_code == 200
    assert "jacuzzi is not one of the available choices" in response.content.decode()
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
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    floor = Floor.objects.get()
    assert created and floor.name == "Second"  # seats are then placed in the floor editor
