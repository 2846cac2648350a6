"""Sending webhook deliveries: the scheduler task ``deliver_pending``.

AT-LEAST-ONCE, IN ORDER PER ENDPOINT. A sender locks the endpoints that have due rows
(SELECT ... FOR UPDATE SKIP LOCKED), takes each endpoint's oldest pending rows in id order, and
in the same short transaction leases them (``next_attempt_at`` moved forward by LEASE) so no
other sender sees them as due. It sends outside any transaction (no lock held across HTTP),
then records each outcome. An endpoint's rows go out one after another; when one fails, the
rest wait behind it (they are released to the failed row's retry time), so a receiver sees
events in the order they happened even across retries. A crash between send and record lets
the lease expire and the row is sent again with the same webhook-id (receivers dedupe by it).

Retries back off exponentially: WEBHOOKS_BACKOFF_BASE x 2^(attempt-1), at most
WEBHOOKS_BACKOFF_MAX, until WEBHOOKS_MAX_ATTEMPTS; then the row is failed and the queue moves on.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from prometheus_client import Counter
from standardwebhooks.webhooks import Webhook

from integrations.webhooks import transport, urlguard
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks.services import signing_secrets

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
PER_ENDPOINT = 20

WEBHOOK_ATTEMPTS = Counter(
    "bookit_webhook_attempts",
    "Webhook delivery attempts by result (delivered, http_error, network_error, refused).",
    ["result"],
)


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after ``attempts`` failed ones (1 -> base, 2 -> 2 x base...)."""
    base = settings.WEBHOOKS_BACKOFF_BASE
    return dt.timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOKS_BACKOFF_MAX)
    )


def lease() -> dt.timedelta:
    # Outlasts one endpoint's whole batch at the worst case (every request timing out).
    return dt.timedelta(seconds=PER_ENDPOINT * settings.WEBHOOKS_TIMEOUT * 2 + 60)


def deliver_pending(*, max_rounds: int = 5) -> int:
    """Send due deliveries; returns how many were delivered."""
    delivered = 0
    for _ in range(max_rounds):
        claimed = _claim(now=timezone.now())
        if not claimed:
            break
        for endpoint, rows in claimed:
            delivered += _send_in_order(endpoint, rows)
    return delivered


def _claim(*, now: dt.datetime) -> list[tuple[WebhookEndpoint, list[WebhookDelivery]]]:
    due_endpoints = WebhookDelivery.objects.filter(
        status=Status.PENDING, next_attempt_at__lte=now
    ).values("endpoint_id")
    claimed = []
    with transaction.atomic():
        endpoints = list(
            WebhookEndpoint.objects.select_for_update(skip_locked=True)
            .filter(is_active=True, pk__in=due_endpoints)
            .order_by("pk")
        )
        for endpoint in endpoints:
            queue = list(
                WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING).order_by(
                    "id"
                )[:PER_ENDPOINT]
            )
            # Only the head of the queue decides: a later row never overtakes an earlier one
            # that waits for its retry (or is leased to another sender).
            rows = []
            for row in queue:
                if row.next_attempt_at > now:
                    break
                rows.append(row)
            if not rows:
                continue
            WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                attempts=F("attempts") + 1, next_attempt_at=now + lease()
            )
            for row in rows:
                row.attempts += 1
            claimed.append((endpoint, rows))
    return claimed


def _headers(endpoint: WebhookEndpoint, row: WebhookDelivery, now: dt.datetime) -> dict:
    stamp = now.astimezone(dt.UTC)
    signatures = " ".join(
        Webhook(key).sign(row.message_id, stamp, row.body)
        for key in signing_secrets(endpoint, now=now)
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": "BookIT-Webhooks/1.0",
        "webhook-id": row.message_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": signatures,
    }


def attempt(endpoint: WebhookEndpoint, row: WebhookDelivery) -> bool:
    """One try of one (already claimed) row; records the outcome. True when delivered."""
    now = timezone.now()
    status_code, error, result = None, "", "delivered"
    try:
        response = transport.post(
            endpoint.url,
            body=row.body.encode(),
            headers=_headers(endpoint, row, now),
            timeout=settings.WEBHOOKS_TIMEOUT,
        )
        status_code = response.status
        if not 200 <= status_code < 300:
            result, error = "http_error", f"HTTP {status_code}: {response.excerpt}".strip()
    except urlguard.UnsafeURL as exc:
        result, error = "refused", str(exc.message)
    except transport.TransportError as exc:
        result, error = "network_error", str(exc)
    WEBHOOK_ATTEMPTS.labels(result=result).inc()
    finished = timezone.now()
    fields = {"last_attempt_at": finished, "response_status": status_code, "last_error": error}
    if result == "delivered":
        fields.update(status=Status.DELIVERED, delivered_at=finished)
    elif row.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        fields.update(status=Status.FAILED)
        logger.warning("webhook %s to %s failed for good: %s", row.message_id, endpoint.url, error)
    else:
        fields.update(next_attempt_at=finished + backoff(row.attempts))
    WebhookDelivery.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)
    return result == "delivered"


def _send_in_order(endpoint: WebhookEndpoint, rows: list[WebhookDelivery]) -> int:
    delivered = 0
    for index, row in enumerate(rows):
        if attempt(endpoint, row):
            delivered += 1
            continue
        if row.status == Status.FAILED:
            continue  # given up on: the queue moves on to the next event
        # The rest wait behind the failed one, and go right after it when it is retried.
        rest = [r.pk for r in rows[index + 1 :]]
        WebhookDelivery.objects.filter(pk__in=rest).update(
            next_attempt_at=row.next_attempt_at, attempts=F("attempts") - 1
        )
        break
    return delivered
