import pytest
from django.test import Client

from bookit.tests.clock import at
from integrations.webhooks import delivery
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from reservations import services as booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_staff_add_an_endpoint_in_the_admin_and_see_its_secret(
    admin_client_, receiver, allow_loopback
):
    response = admin_client_.post(
        "/admin/integrations/webhookendpoint/add/",
        {"url": receiver.url, "events": ["reservation.created"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["reservation.created"]
    assert endpoint.secret in response.content.decode()


def test_the_admin_refuses_a_private_url(admin_client_):
    response = admin_client_.post(
        "/admin/integrations/webhookendpoint/add/",
        {"url": "http://127.0.0.1/", "events": ["reservation.created"], "is_active": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "private, loopback or link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_are_listed_and_one_can_be_retried(
    admin_client_, frozen, endpoint, receiver, member, seat
):
    receiver.script = [500]
    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    delivery.deliver_pending()
    row = WebhookDelivery.objects.get()

    page = admin_client_.get(
        f"/admin/integrations/webhookdelivery/?endpoint__id__exact={endpoint.pk}"
    )
    assert page.status_code == 200 and "reservation.created" in page.content.decode()
    admin_client_.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "retry", "_selected_action": [row.pk]},
    )
    assert delivery.deliver_pending() == 1
    row.refresh_from_db()
    assert row.status == "delivered"


def test_rotate_action_shows_the_new_secret(admin_client_, endpoint):
    response = admin_client_.post(
        "/admin/integrations/webhookendpoint/",
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.previous_secret and endpoint.secret in response.content.decode()
