"""The page and the API: no login, a revoked link answers 404, staff manage the links."""

import pytest
from django.test import Client

from bookit.tests.clock import at
from integrations.kiosk.models import Kiosk
from reservations import services as booking

pytestmark = pytest.mark.django_db


def _page(kiosk):
    return f"/kiosk/{kiosk.token}/"


def test_the_page_needs_no_login_and_shows_the_floor(frozen, client, kiosk, seats, other_member):
    booking.reservation_create(user=other_member, seat=seats[1], start=at(0, 9), end=at(0, 10))
    response = client.get(_page(kiosk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Second floor" in html and "Lobby TV" in html
    assert f'id="kiosk-seat-{seats[1].pk}"' in html and "Booked until 10:00" in html
    assert "Scan to book" in html
    # Without JavaScript it refreshes itself; with it, kiosk.js polls the state.
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in html
    assert "js/kiosk.js" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_state_endpoint_needs_no_login(frozen, api, kiosk, seats):
    response = api.get(f"/api/kiosk/{kiosk.token}/state")
    assert response.status_code == 200
    body = response.json()
    assert body["floor"]["name"] == "Second floor"
    assert [s["state"] for s in body["seats"]] == ["free", "free", "free"]
    assert response["Cache-Control"] == "no-store"


def test_the_qr_of_a_seat_opens_its_desk_page(frozen, client, kiosk, seats):
    response = client.get(f"/kiosk/{kiosk.token}/qr/{seats[0].pk}.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


def test_the_qr_of_another_floors_seat_is_404(frozen, client, kiosk):
    from seats.tests.factories import make_floor, make_seat

    elsewhere = make_seat("R1", floor=make_floor("Roof"))
    assert client.get(f"/kiosk/{kiosk.token}/qr/{elsewhere.pk}.svg").status_code == 404


def test_a_revoked_kiosk_answers_404_everywhere(frozen, client, api, staff_api, kiosk, seats):
    assert staff_api.delete(f"/api/admin/kiosks/{kiosk.pk}").status_code == 204
    assert client.get(_page(kiosk)).status_code == 404
    assert api.get(f"/api/kiosk/{kiosk.token}/state").status_code == 404
    assert client.get(f"/kiosk/{kiosk.token}/qr/{seats[0].pk}.svg").status_code == 404
    assert staff_api.delete(f"/api/admin/kiosks/{kiosk.pk}").status_code == 404
    assert staff_api.get("/api/admin/kiosks").json()["results"] == []


def test_an_unknown_token_is_404(client, api, db):
    assert client.get("/kiosk/not-a-token/").status_code == 404
    assert api.get("/api/kiosk/not-a-token/state").status_code == 404


def test_staff_create_and_list_kiosks(staff_api, floor, settings):
    response = staff_api.post("/api/admin/kiosks", {"floor": floor.pk, "name": "Lobby"})
    assert response.status_code == 201
    body = response.json()
    kiosk = Kiosk.objects.get()
    # Absolute (issue 16): SITE_URL, else the host the request came to.
    assert body["url"] == f"{settings.SITE_URL or 'http://testserver'}/kiosk/{kiosk.token}/"
    assert len(kiosk.token) >= 40
    assert [k["id"] for k in staff_api.get("/api/admin/kiosks").json()["results"]] == [kiosk.pk]


def test_a_kiosk_needs_an_existing_floor(staff_api, db):
    response = staff_api.post("/api/admin/kiosks", {"floor": 999, "name": "x"})
    assert response.status_code == 400 and "floor" in response.json()["errors"]
    assert staff_api.post("/api/admin/kiosks", {}).status_code == 400


def test_members_get_403_and_anonymous_401(member_api, api, kiosk):
    for client, code in ((member_api, 403), (api, 401)):
        assert client.get("/api/admin/kiosks").status_code == code
        assert client.post("/api/admin/kiosks", {}).status_code == code
        assert client.delete(f"/api/admin/kiosks/{kiosk.pk}").status_code == code


def test_polling_marks_the_screen_seen_once_a_minute(
    frozen, api, kiosk, django_assert_max_num_queries
):
    api.get(f"/api/kiosk/{kiosk.token}/state")
    kiosk.refresh_from_db()
    first = kiosk.last_seen_at
    assert first is not None
    with django_assert_max_num_queries(4):  # kiosk, policy, seats, bookings: no write
        api.get(f"/api/kiosk/{kiosk.token}/state")
    kiosk.refresh_from_db()
    assert kiosk.last_seen_at == first


def test_staff_add_and_revoke_a_kiosk_in_the_admin(staff, floor):
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        "/admin/integrations/kiosk/add/", {"floor": floor.pk, "name": "Tablet"}, follow=True
    )
    assert response.status_code == 200
    kiosk = Kiosk.objects.get()
    assert kiosk.created_by == staff and len(kiosk.token) >= 40
    listing = admin.get("/admin/integrations/kiosk/").content.decode()
    assert f"/kiosk/{kiosk.token}/" in listing
    admin.post("/admin/integrations/kiosk/", {"action": "revoke", "_selected_action": [kiosk.pk]})
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None
    assert Client().get(f"/kiosk/{kiosk.token}/").status_code == 404


def test_the_screen_speaks_russian_by_default(frozen, client, kiosk, seats, settings):
    settings.LANGUAGE_CODE = "ru"
    html = client.get(_page(kiosk), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Сканируйте, чтобы забронировать" in html and "Свободно до 22:00" in html


def test_seed_demo_gives_every_floor_a_kiosk_once(db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    kiosks = Kiosk.objects.all()
    assert kiosks.count() >= 1
    assert kiosks.count() == kiosks.values("floor").distinct().count()
    assert f"/kiosk/{kiosks[0].token}/" in out.getvalue()
