"""Webhook rules: endpoints (staff only), enqueueing events, retrying a delivery.

Invariants:
- an endpoint's URL passed the SSRF guard when it was saved (and is checked again per send);
- an endpoint subscribes to at least one known event type;
- every event is enqueued in the transaction that made it: one delivery row per active,
  subscribed endpoint, with a fresh message id and the exact body that will be signed;
- a secret is "whsec_" + base64 of 32 random bytes; rotation keeps the old one signing for
  WEBHOOKS_ROTATION_GRACE so receivers can switch without losing a message.
"""

import base64
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import require_staff
from bookit import rows
from bookit.errors import ValidationFailed
from integrations.webhooks import messages as msg
from integrations.webhooks import urlguard
from integrations.webhooks.events import EVENT_TYPES
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint

Status = WebhookDelivery.Status


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _clean_events(events: object) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationFailed.on("events", msg.NO_EVENTS)
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed.on("events", msg.unknown_events(unknown))
    # Catalogue order, no duplicates: the stored list reads the same however it was sent.
    return [e for e in EVENT_TYPES if e in events]


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise urlguard.UnsafeURL(msg.url_too_long(500))
    urlguard.check_url(url)
    return url


def webhook_endpoint_create(
    *, url: str, events: list[str], by: User, is_active: bool = True, description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint; the returned object carries the new secret (shown once)."""
    require_staff(by)
    return WebhookEndpoint.objects.create(
        url=_clean_url(url),
        events=_clean_events(events),
        is_active=is_active,
        description=(description or "").strip()[:200],
        secret=new_secret(),
        created_by=by,
    )


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by: User,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
    description: str | None = None,
) -> WebhookEndpoint:
    require_staff(by)
    fields = []
    if url is not None:
        endpoint.url = _clean_url(url)
        fields.append("url")
    if events is not None:
        endpoint.events = _clean_events(events)
        fields.append("events")
    if is_active is not None:
        endpoint.is_active = bool(is_active)
        fields.append("is_active")
    if description is not None:
        endpoint.description = description.strip()[:200]
        fields.append("description")
    if fields:
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    require_staff(by)
    endpoint.delete()


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, by: User, now: dt.datetime | None = None
) -> WebhookEndpoint:
    """A new secret; the old one also signs until the grace period ends (two signatures)."""
    require_staff(by)
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.WEBHOOKS_ROTATION_GRACE)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_expires_at = now + grace if grace else now
        locked.secret = new_secret()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return locked


def signing_secrets(endpoint: WebhookEndpoint, *, now: dt.datetime) -> list[str]:
    """The secrets that sign a message sent now: the current one, and the previous in grace."""
    keys = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        keys.append(endpoint.previous_secret)
    return keys


def render_body(*, event_type: str, data: dict, timestamp: dt.datetime) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": timestamp.isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
    )


def webhook_event_enqueue(
    *, event_type: str, data: dict | Callable[[], dict], now: dt.datetime | None = None
) -> list[WebhookDelivery]:
    """One delivery row per active endpoint subscribed to ``event_type``.

    Call it inside the event's transaction: the rows commit or roll back with the event.
    ``data`` may be a callable, built only when some endpoint wants the event (so a booking
    costs one extra query, the endpoint lookup, when no webhook is configured).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {event_type!r}")
    now = now or timezone.now()
    # Every event of the hot paths asks this: the read is written once (bookit.rows).
    endpoints = [
        e
        for e in rows.all_of(WebhookEndpoint, true="is_active", order_by=("id",))
        if event_type in e.events
    ]
    if not endpoints:
        return []
    if callable(data):
        data = data()
    body = render_body(event_type=event_type, data=data, timestamp=now)
    return WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                message_id=f"msg_{uuid.uuid4().hex}",
                event_type=event_type,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )


def webhook_delivery_retry(
    *, delivery: WebhookDelivery, by: User, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Send this delivery again as soon as the scheduler runs (same message id and body)."""
    require_staff(by)
    now = now or timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.status = Status.PENDING
        locked.next_attempt_at = now
        locked.save(update_fields=["status", "next_attempt_at"])
    return locked


def webhook_deliveries_prune(*, now: dt.datetime | None = None) -> int:
    """Scheduler task: forget finished deliveries after WEBHOOKS_KEEP_DAYS.

    The bodies hold members' names and emails, so the log is not kept forever (and the queue
    table stays small); pending rows are never pruned.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    deleted, _by_model = WebhookDelivery.objects.filter(
        status__in=[Status.DELIVERED, Status.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
