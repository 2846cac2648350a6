import pytest

from bookit.tests.clock import at
from integrations.webhooks import delivery
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from reservations import services as booking

pytestmark = pytest.mark.django_db

URL = "/api/admin/webhooks"


def test_staff_create_an_endpoint_and_see_the_secret_once(staff_api, receiver, allow_loopback):
    response = staff_api.post(
        URL,
        {"url": receiver.url, "events": ["reservation.created", "ticket.created"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["reservation.created", "ticket.created"]
    assert body["is_active"] is True
    listed = staff_api.get(URL).json()["results"]
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in staff_api.get(f"{URL}/{body['id']}").json()


def test_a_private_url_is_a_field_error(staff_api):
    response = staff_api.post(
        URL, {"url": "http://169.254.169.254/", "events": ["ticket.created"]}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_missing_fields_are_field_errors(staff_api):
    response = staff_api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"url", "events"} <= set(response.json()["errors"])


def test_unknown_event_is_a_field_error(staff_api, allow_loopback):
    response = staff_api.post(URL, {"url": "http://127.0.0.1/x", "events": ["nope"]}, format="json")
    assert response.status_code == 400 and "events" in response.json()["errors"]


def test_patch_and_delete(staff_api, endpoint):
    response = staff_api.patch(
        f"{URL}/{endpoint.pk}", {"is_active": False, "events": ["member.verified"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["events"] == ["member.verified"]
    assert staff_api.patch(f"{URL}/{endpoint.pk}", {"url": "http://10.1.1.1/"}).status_code == 200
    assert staff_api.delete(f"{URL}/{endpoint.pk}").status_code == 204
    assert staff_api.get(f"{URL}/{endpoint.pk}").status_code == 404


def test_patch_to_a_private_url_is_refused_without_the_setting(settings, staff_api, endpoint):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = staff_api.patch(f"{URL}/{endpoint.pk}", {"url": "http://[::1]/"}, format="json")
    assert response.status_code == 400 and "url" in response.json()["errors"]


def test_rotate_secret_returns_the_new_one(staff_api, endpoint):
    response = staff_api.post(f"{URL}/{endpoint.pk}/rotate_secret")
    assert response.status_code == 200
    assert response.json()["secret"].startswith("whsec_")
    assert response.json()["secret"] != endpoint.secret


def test_deliveries_show_status_attempts_and_code_and_one_can_be_retried(
    frozen, staff_api, endpoint, receiver, member, seat
):
    receiver.script = [503]
    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    delivery.deliver_pending()

    response = staff_api.get(f"{URL}/{endpoint.pk}/deliveries")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["event_type"] == "reservation.created"
    assert (row["status"], row["attempts"], row["response_status"]) == ("pending", 1, 503)

    retry = staff_api.post(f"{URL}/{endpoint.pk}/deliveries/{row['id']}/retry")
    assert retry.status_code == 202
    assert delivery.deliver_pending() == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_the_event_catalogue(staff_api):
    types = [e["type"] for e in staff_api.get(f"{URL}/events").json()]
    assert (
        "reservation.created" in types and "member.verified" in types and len(types) == 9
    )  # with reservation.restored (issue 16)


def test_members_get_403_and_anonymous_401(member_api, api, endpoint):
    for client, code in ((member_api, 403), (api, 401)):
        assert client.get(URL).status_code == code
        assert client.post(URL, {}, format="json").status_code == code
        assert client.patch(f"{URL}/{endpoint.pk}", {}, format="json").status_code == code
        assert client.delete(f"{URL}/{endpoint.pk}").status_code == code
        assert client.get(f"{URL}/{endpoint.pk}/deliveries").status_code == code


def test_unknown_ids_are_404(staff_api, endpoint):
    assert staff_api.get(f"{URL}/999/deliveries").status_code == 404
    assert staff_api.post(f"{URL}/{endpoint.pk}/deliveries/999/retry").status_code == 404
