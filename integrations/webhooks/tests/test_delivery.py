"""Delivery against a real HTTP receiver on loopback: signatures, retries, order, leases."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bookit.tests.clock import at
from integrations.webhooks import delivery, services
from integrations.webhooks.models import WebhookDelivery
from reservations import services as booking

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def _book(member, seat, start_hour=10, end_hour=12):
    return booking.reservation_create(
        user=member, seat=seat, start=at(0, start_hour), end=at(0, end_hour)
    )


def _verified(endpoint, request) -> dict:
    """What the receiver's own library says about one request (raises if the signature fails)."""
    return Webhook(endpoint.secret).verify(request.body, request.headers)


def test_receiver_verifies_the_signature_and_reads_the_event(
    frozen, endpoint, receiver, member, seat
):
    reservation = _book(member, seat)

    assert delivery.deliver_pending() == 1

    [request] = receiver.received
    payload = _verified(endpoint, request)
    assert payload["type"] == "reservation.created"
    assert payload["data"]["id"] == reservation.pk
    assert payload["data"]["seat"] == {"id": seat.pk, "label": "A1", "floor": seat.floor_id}
    assert payload["data"]["user"]["email"] == member.email
    assert dt.datetime.fromisoformat(payload["timestamp"]) == dt.datetime.fromisoformat(
        payload["timestamp"]
    ).astimezone(dt.UTC)
    row = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == row.message_id
    assert request.headers["content-type"] == "application/json"
    assert request.path == "/hooks/bookit"
    assert (row.status, row.attempts, row.response_status) == (Status.DELIVERED, 1, 200)


def test_a_tampered_body_fails_verification(frozen, endpoint, receiver, member, seat):
    _book(member, seat)
    delivery.deliver_pending()
    [request] = receiver.received
    forged = request.body.replace(b"reservation.created", b"reservation.cancelled")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(forged, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(services.new_secret()).verify(request.body, request.headers)


def test_it_retries_after_500s_with_exponential_backoff(frozen, endpoint, receiver, member, seat):
    receiver.script = [500, 500]
    _book(member, seat)

    assert delivery.deliver_pending() == 0
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == (Status.PENDING, 1, 500)
    assert "HTTP 500" in row.last_error
    first_retry = row.next_attempt_at - row.last_attempt_at
    assert first_retry == dt.timedelta(seconds=30)

    assert delivery.deliver_pending() == 0  # not due yet: nothing is sent
    assert len(receiver.received) == 1

    frozen.shift(31)
    assert delivery.deliver_pending() == 0
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at - row.last_attempt_at == dt.timedelta(seconds=60)

    frozen.shift(61)
    assert delivery.deliver_pending() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.response_status, row.last_error) == (
        Status.DELIVERED,
        3,
        200,
        "",
    )
    # At least once, one message: every attempt carries the same id and verifies.
    assert {r.headers["webhook-id"] for r in receiver.received} == {row.message_id}
    for request in receiver.received:
        _verified(endpoint, request)


def test_it_retries_after_a_timeout(frozen, endpoint, receiver, member, seat):
    receiver.script = ["hang"]
    _book(member, seat)

    assert delivery.deliver_pending() == 0
    row = WebhookDelivery.objects.get()
    assert row.status == Status.PENDING and row.response_status is None
    assert "timed out" in row.last_error.lower()

    frozen.shift(31)
    assert delivery.deliver_pending() == 1
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.attempts == 2


def test_events_arrive_in_order_even_across_retries(frozen, endpoint, receiver, member, seat):
    receiver.script = [500]
    reservation = _book(member, seat)
    booking.reservation_update(reservation=reservation, by=member, end=at(0, 13))
    booking.reservation_cancel(reservation=reservation, by=member)

    delivery.deliver_pending()
    # The first event failed: the two after it wait instead of overtaking it.
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["reservation.created"]
    later = WebhookDelivery.objects.exclude(event_type="reservation.created")
    assert all(row.attempts == 0 for row in later)

    frozen.shift(31)
    assert delivery.deliver_pending() == 3
    assert [json.loads(r.body)["type"] for r in receiver.received] == [
        "reservation.created",
        "reservation.created",
        "reservation.updated",
        "reservation.cancelled",
    ]
    timestamps = [int(r.headers["webhook-timestamp"]) for r in receiver.received]
    assert timestamps == sorted(timestamps)


def test_it_gives_up_after_the_last_attempt_and_the_queue_moves_on(
    settings, frozen, endpoint, receiver, member, seat
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    receiver.script = [500, 500]
    reservation = _book(member, seat)
    delivery.deliver_pending()
    frozen.shift(31)
    delivery.deliver_pending()
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 2)

    booking.reservation_cancel(reservation=reservation, by=member)
    assert delivery.deliver_pending() == 1
    assert json.loads(receiver.received[-1].body)["type"] == "reservation.cancelled"


def test_a_claimed_delivery_is_leased_to_one_sender(frozen, endpoint, receiver, member, seat):
    from django.utils import timezone

    _book(member, seat)
    first = delivery._claim(now=timezone.now())
    second = delivery._claim(now=timezone.now())
    assert [len(rows) for _endpoint, rows in first] == [1]
    assert second == []
    # A sender that died mid-batch: after the lease the row is due again (at least once).
    frozen.shift(delivery.lease().total_seconds() + 1)
    assert delivery.deliver_pending() == 1


def test_delivery_rechecks_the_address_at_send_time(
    settings, frozen, endpoint, receiver, member, seat
):
    """DNS rebinding: a URL that was fine when saved but points inward now is not called."""
    _book(member, seat)
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    assert delivery.deliver_pending() == 0
    assert receiver.received == []
    row = WebhookDelivery.objects.get()
    assert row.status == Status.PENDING and row.attempts == 1
    assert "127.0.0.1" in row.last_error


def test_after_rotation_both_secrets_verify_until_the_grace_ends(
    settings, frozen, endpoint, receiver, member, seat, staff
):
    settings.WEBHOOKS_ROTATION_GRACE = 600
    old_secret = endpoint.secret
    rotated = services.webhook_endpoint_rotate_secret(endpoint=endpoint, by=staff)
    assert rotated.secret != old_secret and rotated.secret.startswith("whsec_")
    _book(member, seat)
    delivery.deliver_pending()
    request = receiver.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(request.body, request.headers)
    Webhook(rotated.secret).verify(request.body, request.headers)

    frozen.shift(settings.WEBHOOKS_ROTATION_GRACE + 1)
    booking.reservation_cancel(reservation=booking.Reservation.objects.get(), by=member)
    delivery.deliver_pending()
    request = receiver.received[-1]
    Webhook(rotated.secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(request.body, request.headers)


def test_a_dead_receiver_never_blocks_a_booking(
    frozen, staff, member, seat, allow_loopback, member_api
):
    services.webhook_endpoint_create(
        url="http://127.0.0.1:9/unreachable", events=["reservation.created"], by=staff
    )
    response = member_api.post(
        "/api/reservations",
        {"seat": seat.pk, "start": at(0, 10).isoformat(), "end": at(0, 11).isoformat()},
        format="json",
    )
    assert response.status_code == 201
    # The booking only wrote the delivery row; nothing was attempted in the request.
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    delivery.deliver_pending()
    row.refresh_from_db()
    assert row.attempts == 1 and "Connection" in row.last_error


def test_a_rolled_back_booking_sends_nothing(frozen, endpoint, member, seat):
    with pytest.raises(RuntimeError), transaction.atomic():
        _book(member, seat)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the caller's transaction fails after the booking")
    assert WebhookDelivery.objects.count() == 0


def test_the_scheduler_delivers(frozen, endpoint, receiver, member, seat, capsys):
    _book(member, seat)
    call_command("scheduler", "--once")
    assert "integrations.webhooks.delivery.deliver_pending: 1" in capsys.readouterr().out
    assert len(receiver.received) == 1
