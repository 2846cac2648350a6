"""Endpoint rules (SSRF guard, events) and which domain events enqueue which deliveries."""

import datetime as dt
import json

import pytest

from accounts import services as accounts
from bookit.errors import PermissionDenied, ValidationFailed
from bookit.tests.clock import at
from integrations.webhooks import services
from integrations.webhooks.models import WebhookDelivery
from reservations import services as booking
from tickets import services as tickets

pytestmark = pytest.mark.django_db

INWARD_URLS = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.0.0.5/hook",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://2130706433/hook",  # 127.0.0.1 written as one number
    "http://100.64.0.1/hook",  # carrier-grade NAT
]


@pytest.mark.parametrize("url", INWARD_URLS)
def test_it_refuses_urls_that_point_inward(staff, url):
    with pytest.raises(ValidationFailed) as error:
        services.webhook_endpoint_create(url=url, events=["reservation.created"], by=staff)
    assert "url" in error.value.errors


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "not a url", "http://user:pw@8.8.8.8/", "http://", "javascript:x"],
)
def test_it_refuses_malformed_urls(staff, url):
    with pytest.raises(ValidationFailed) as error:
        services.webhook_endpoint_create(url=url, events=["reservation.created"], by=staff)
    assert "url" in error.value.errors


def test_a_public_address_is_accepted(staff):
    endpoint = services.webhook_endpoint_create(
        url="https://8.8.8.8/hooks", events=["ticket.created"], by=staff
    )
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40


def test_the_setting_allows_private_receivers(settings, staff):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = services.webhook_endpoint_create(
        url="http://127.0.0.1:9/hook", events=["ticket.created"], by=staff
    )
    assert endpoint.pk


@pytest.mark.parametrize("events", [[], ["reservation.exploded"], "reservation.created"])
def test_events_must_be_known_and_not_empty(settings, staff, events):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(ValidationFailed) as error:
        services.webhook_endpoint_create(url="http://127.0.0.1/h", events=events, by=staff)
    assert "events" in error.value.errors


def test_members_cannot_manage_endpoints(member):
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_create(
            url="https://8.8.8.8/", events=["ticket.created"], by=member
        )


def _types() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))


def test_every_event_type_is_enqueued_for_a_subscribed_endpoint(
    frozen, endpoint, staff, member, unverified, seat
):
    reservation = booking.reservation_create(user=member, seat=seat, start=at(0, 9), end=at(0, 11))
    booking.reservation_update(reservation=reservation, by=member, end=at(0, 12))
    booking.reservation_check_in(reservation=reservation, by=staff)
    later = booking.reservation_create(user=member, seat=seat, start=at(1, 9), end=at(1, 10))
    booking.reservation_cancel(reservation=later, by=member)
    lapsed = booking.reservation_create(user=member, seat=seat, start=at(0, 12), end=at(0, 13))
    frozen.move_to(at(0, 12, 30))
    booking.release_no_shows()
    ticket = tickets.ticket_create(author=member, subject="Lamp", text="Broken")
    tickets.ticket_set_status(ticket=ticket, status="in_progress", by=staff)
    accounts.user_verify(user=unverified, by=staff)
    accounts.user_verify(user=unverified, by=staff)  # already verified: no second event

    assert _types() == [
        "reservation.created",
        "reservation.updated",
        "reservation.checked_in",
        "reservation.created",
        "reservation.cancelled",
        "reservation.created",
        "reservation.no_show",
        "ticket.created",
        "ticket.status_changed",
        "member.verified",
    ]
    no_show = json.loads(WebhookDelivery.objects.get(event_type="reservation.no_show").body)
    assert no_show["data"]["id"] == lapsed.pk and no_show["data"]["status"] == "no_show"
    status = json.loads(WebhookDelivery.objects.get(event_type="ticket.status_changed").body)
    assert status["data"]["old_status"] == "open" and status["data"]["status"] == "in_progress"
    verified = json.loads(WebhookDelivery.objects.get(event_type="member.verified").body)
    assert verified["data"]["id"] == unverified.pk and verified["data"]["verified_by"] == staff.pk


def test_only_subscribed_active_endpoints_get_a_delivery(
    frozen, staff, member, seat, allow_loopback
):
    tickets_only = services.webhook_endpoint_create(
        url="http://127.0.0.1:9/t", events=["ticket.created"], by=staff
    )
    bookings = services.webhook_endpoint_create(
        url="http://127.0.0.1:9/b", events=["reservation.created"], by=staff
    )
    services.webhook_endpoint_create(
        url="http://127.0.0.1:9/off", events=["reservation.created"], by=staff, is_active=False
    )
    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [bookings.pk]
    assert not tickets_only.deliveries.exists()


def test_retry_queues_a_delivery_again(frozen, endpoint, staff, member, seat):
    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(status="failed", attempts=10)
    retried = services.webhook_delivery_retry(delivery=row, by=staff)
    assert retried.status == "pending" and retried.message_id == row.message_id


def test_old_finished_deliveries_are_pruned_pending_ones_kept(frozen, endpoint, member, seat):
    from django.utils import timezone

    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    booking.reservation_create(user=member, seat=seat, start=at(0, 12), end=at(0, 13))
    done, waiting = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=done.pk).update(status="delivered")
    later = timezone.now() + dt.timedelta(days=31)
    assert services.webhook_deliveries_prune(now=later) == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_the_backlog_is_a_metric(frozen, endpoint, member, seat):
    from prometheus_client import REGISTRY

    booking.reservation_create(user=member, seat=seat, start=at(0, 10), end=at(0, 11))
    assert REGISTRY.get_sample_value("bookit_webhook_deliveries", {"status": "pending"}) == 1
    assert REGISTRY.get_sample_value("bookit_webhook_deliveries", {"status": "failed"}) == 0


def test_without_endpoints_an_event_costs_one_query_and_builds_nothing(
    db, django_assert_num_queries
):
    def explode() -> dict:
        raise AssertionError("the payload must not be built when nobody subscribed")

    with django_assert_num_queries(1):
        assert services.webhook_event_enqueue(event_type="ticket.created", data=explode) == []


def test_verifying_in_the_admin_sends_member_verified(frozen, endpoint, staff, unverified):
    from django.test import Client

    admin = Client()
    admin.force_login(staff)
    page = admin.get(f"/admin/accounts/user/{unverified.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(is_verified="on", email=unverified.email, language="en")
    data.pop("avatar", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = admin.post(f"/admin/accounts/user/{unverified.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _types() == ["member.verified"]
