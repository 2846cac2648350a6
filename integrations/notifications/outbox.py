"""The notification outbox: enqueue inside the event's transaction, deliver later, per channel.

Invariants:
- one event is one Notification row (its ``dedupe_key`` is unique; a repeat is a no-op) with
  one NotificationDelivery per channel the member chose when the event happened.
- delivery is AT-LEAST-ONCE per channel and never lost: a sender claims due deliveries with
  SELECT ... FOR UPDATE SKIP LOCKED in a short transaction and, in the same transaction, moves
  their ``next_attempt_at`` forward by CLAIM_LEASE, so once the claim commits no other sender
  sees them as due and two senders never send the same delivery. It sends outside any
  transaction (no row lock held across network calls), then marks each one sent / failed /
  rescheduled with backoff. A sender that dies between the send and the mark leaves the row to
  be sent again after the lease: rarely twice, never lost (SMTP and the Bot API have no
  idempotency key that would make this exact).
- the lease outlasts a whole batch: BATCH_SIZE messages x the channel's timeouts (Telegram:
  client.py, 25 s; SMTP: EMAIL_TIMEOUT) stays under CLAIM_LEASE.
"""

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Field
from django.utils import timezone

from accounts.models import User
from bookit import rows
from integrations.models import Notification, NotificationDelivery
from reservations.models import Reservation
from reservations.policy import get_policy

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Channel = NotificationDelivery.Channel
Status = NotificationDelivery.Status

BATCH_SIZE = 20
CLAIM_LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)


# --- Enqueue -------------------------------------------------------------------------------


# A declined registration is deactivated, and is still told why (issue 17).
REACHES_INACTIVE = frozenset({Kind.MEMBER_REJECTED})


def reachable(user: User, kind: str) -> bool:
    """Whether a message of ``kind`` may still go to ``user`` (active, or told why not)."""
    return user.is_active or kind in REACHES_INACTIVE


def channels_for(user: User, kind: str | None = None) -> list[str]:
    """The channels ``user`` chose that can reach them (Telegram needs a linked chat)."""
    if not (user.is_active or kind in REACHES_INACTIVE):
        return []
    channels: list[str] = []
    if user.notify_email and user.email:
        channels.append(Channel.EMAIL)
    if user.notify_telegram and user.telegram_id is not None:
        channels.append(Channel.TELEGRAM)
    return channels


def notify(
    *,
    user: User,
    kind: str,
    key: str,
    payload: dict | None = None,
    channels: Iterable[str] | None = None,
) -> Notification | None:
    """Announce one event to ``user``; the one call every app uses.

    ``key`` identifies the event: a second call with the same key adds nothing. ``channels``
    defaults to the member's own choice; account emails (password reset, email change) pass
    ``[Channel.EMAIL]`` because they are the answer to what the member just asked for. Returns
    None when no channel reaches the member. Call it inside the event's transaction.
    """
    created_at = timezone.now()
    payload = payload or {}
    pk = enqueue(
        user=user, kind=kind, key=key, payload=payload, channels=channels, created_at=created_at
    )
    if pk is None:
        return None
    notification = Notification(
        pk=pk, user=user, kind=kind, dedupe_key=key, payload=payload, created_at=created_at
    )
    notification._state.adding = False
    notification._state.db = router.db_for_write(Notification)
    return notification


def enqueue(
    *,
    user: User,
    kind: str,
    key: str,
    payload: dict | None = None,
    channels: Iterable[str] | None = None,
    created_at: dt.datetime | None = None,
) -> int | None:
    """notify() without building the Notification: the new event's id, or None when nothing
    was written (no channel reaches the member, or the key exists). For the receivers of the
    hot paths (a booking), which only write the event.

    The event row and its deliveries are one statement on PostgreSQL (an INSERT ... ON
    CONFLICT DO NOTHING RETURNING feeding the deliveries' INSERT), two elsewhere: a repeated
    key inserts nothing, neither raises nor poisons the caller's transaction, and a repeat that
    races the first waits for it (the unique index) and then adds nothing either.
    """
    if channels is None:
        chosen = channels_for(user, kind)
    else:
        chosen = list(channels) if reachable(user, kind) else []
    if not chosen:
        return None
    created_at = created_at or timezone.now()
    pk = _insert([user.pk, kind, key, payload or {}, created_at], chosen)
    if pk is not None and settings.NOTIFICATIONS_INLINE:
        transaction.on_commit(_deliver_inline)
    return pk


EVENT_COLUMNS = ["user", "kind", "dedupe_key", "payload", "created_at"]
DELIVERY_COLUMNS = [
    "notification",
    "channel",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
]


@functools.cache
def _insert_sql(alias: str, channels: int) -> tuple[str, str | None]:
    """The statement(s) of _insert for ``channels`` deliveries, built once: on PostgreSQL one
    (event CTE feeding the deliveries), elsewhere the event's and the deliveries' (None)."""
    connection = connections[alias]
    quote = connection.ops.quote_name

    def columns(model, names):
        return ", ".join(quote(model._meta.get_field(n).column) for n in names)

    event_sql = (
        f"INSERT INTO {quote(Notification._meta.db_table)} "
        f"({columns(Notification, EVENT_COLUMNS)}) "
        f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({quote('dedupe_key')}) DO NOTHING "
        f"RETURNING {quote('id')}"
    )
    delivery_table = quote(NotificationDelivery._meta.db_table)
    delivery_cols = columns(NotificationDelivery, DELIVERY_COLUMNS)
    returning = "ON CONFLICT DO NOTHING RETURNING " + quote("notification_id")
    if connection.vendor == "postgresql":
        per_channel = ", ".join(["(%s)"] * channels)
        return (
            f"WITH event AS ({event_sql}) "
            f"INSERT INTO {delivery_table} ({delivery_cols}) "
            f"SELECT event.id, channel.name, %s, 0, %s, '' FROM event "
            f"CROSS JOIN (VALUES {per_channel}) AS channel (name) {returning}"
        ), None
    values = ", ".join(["(%s, %s, %s, 0, %s, '')"] * channels)
    return event_sql, f"INSERT INTO {delivery_table} ({delivery_cols}) VALUES {values} {returning}"


def _insert(values: list, channels: list[str]) -> int | None:
    """Write the event (``values``: EVENT_COLUMNS' values) and its pending deliveries unless
    the key exists; the event's id if written.

    Hand-written SQL because the ORM has no INSERT ... ON CONFLICT DO NOTHING RETURNING (its
    ``ignore_conflicts`` returns no id, which cost a read-back) and no data-modifying CTE.
    """
    alias = router.db_for_write(Notification)
    connection = connections[alias]
    fields = _event_fields()
    event_params = [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
    due = connection.ops.adapt_datetimefield_value(values[-1])
    sql, deliveries_sql = _insert_sql(alias, len(channels))
    cursor = rows.cursor(alias)
    if deliveries_sql is None:
        cursor.execute(sql, [*event_params, Status.PENDING, due, *channels])
    else:
        cursor.execute(sql, event_params)
        event = cursor.fetchall()
        if not event:
            return None
        params = [p for c in channels for p in (event[0][0], c, Status.PENDING, due)]
        cursor.execute(deliveries_sql, params)
    written = cursor.fetchall()
    return written[0][0] if written else None


@functools.cache
def _event_fields() -> list[Field]:
    return [cast(Field, Notification._meta.get_field(n)) for n in EVENT_COLUMNS]


def _deliver_inline() -> None:
    # The claim makes this safe next to a running scheduler; a failure waits for the next run.
    try:
        send_pending()
    except Exception:
        logger.exception("Inline notification delivery failed")


def reservation_payload(reservation: Reservation, **extra) -> dict:
    seat = reservation.seat
    return {
        "reservation": reservation.pk,
        "seat": seat.label,
        "floor": seat.floor.name,
        "start": reservation.start.isoformat(),
        "end": reservation.end.isoformat(),
        "sequence": reservation.sequence,
        **extra,
    }


def enqueue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Enqueue one reminder per booked reservation starting within policy.reminder_minutes.

    Safe from several schedulers at once: rows are claimed with SKIP LOCKED and marked
    ``reminded_at`` in the same transaction; the dedupe key backs this up. The key carries the
    start, so a booking moved to another time is reminded again.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(minutes=get_policy().reminder_minutes)
    with transaction.atomic():
        due = list(
            Reservation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "seat__floor")
            .filter(
                status=Reservation.Status.BOOKED,
                reminded_at__isnull=True,
                start__gt=now,
                start__lte=horizon,
                user__is_active=True,
            )
            .order_by("start")
        )
        for reservation in due:
            if reservation.user is None:  # anonymised history; not due anyway
                continue
            notify(
                user=reservation.user,
                kind=Kind.REMINDER,
                key=f"reservation:{reservation.pk}:reminder:{reservation.start:%Y%m%d%H%M}",
                payload=reservation_payload(reservation),
            )
        Reservation.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
    return len(due)


# --- Deliver: shared by every channel's sender ---------------------------------------------


def claim(*, channel: str, batch_size: int = BATCH_SIZE) -> list[NotificationDelivery]:
    """Take up to ``batch_size`` due deliveries of ``channel`` for CLAIM_LEASE."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            NotificationDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__user")
            .filter(channel=channel, status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        NotificationDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE
        )
    for row in rows:
        row.attempts += 1
    return rows


def _pending(delivery_id: int):
    return NotificationDelivery.objects.filter(pk=delivery_id, status=Status.PENDING)


def mark_sent(delivery_id: int) -> None:
    _pending(delivery_id).update(status=Status.SENT, sent_at=timezone.now(), last_error="")


def mark_failed(delivery_id: int, error: object) -> None:
    """For good: retrying cannot help (no address, refused recipient, blocked bot)."""
    _pending(delivery_id).update(status=Status.FAILED, last_error=str(error)[:1000])


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def retry_later(delivery_id: int, error: object) -> None:
    """A temporary failure: try again after a doubling wait, up to MAX_ATTEMPTS."""
    row = _pending(delivery_id)
    current = row.values_list("attempts", flat=True).first()
    if current is None:
        return
    if current >= MAX_ATTEMPTS:
        row.update(status=Status.FAILED, last_error=str(error)[:1000])
    else:
        row.update(next_attempt_at=timezone.now() + backoff(current), last_error=str(error)[:1000])


def postpone(delivery_id: int, delay: dt.timedelta, error: object, *, attempted: bool) -> None:
    """The other side asked us to wait (flood control); a row not even tried keeps its count."""
    fields: dict = {"next_attempt_at": timezone.now() + delay, "last_error": str(error)[:1000]}
    if not attempted:
        fields["attempts"] = F("attempts") - 1
    _pending(delivery_id).update(**fields)


def send_pending() -> int:
    """Deliver due rows on every channel; returns how many were sent (scheduler task)."""
    from integrations.notifications import mail
    from integrations.telegram import outbox as telegram

    return mail.send_pending() + telegram.send_pending()
