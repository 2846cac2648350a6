"""The Telegram notification outbox: enqueue inside the event's transaction, deliver later.

Delivery is AT-LEAST-ONCE. A sender claims due rows with SELECT ... FOR UPDATE SKIP LOCKED in a
short transaction and, in the same transaction, moves their ``next_attempt_at`` forward by
CLAIM_LEASE: once the claim commits, no other sender sees them as due, so two concurrent senders
never send the same row. After sending (outside any transaction: no row lock is held across
network calls) it marks each row sent / failed / rescheduled. If the process dies between the
send and the mark, the lease expires and the row is sent again: a member may rarely get a
message twice, but never loses one. (At-most-once would mark rows sent when claiming and
silently drop a message on a crash; the Bot API has no idempotency key to make this exact.)

The lease outlasts a whole batch: BATCH_SIZE messages x the HTTP timeouts of client.py
(20 x 25 s < 10 min). One event loop, and one Bot, per batch.
"""

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from accounts.models import User
from integrations.models import Notification
from integrations.telegram.client import make_bot
from integrations.telegram.messages import render_notification, reservation_payload
from reservations.models import Reservation
from reservations.policy import get_policy

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = Notification.Status

BATCH_SIZE = 20
CLAIM_LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)


# --- Enqueue -------------------------------------------------------------------------------


def enqueue(*, user: User, kind: str, dedupe_key: str, payload: dict) -> bool:
    """Add a message to the outbox; False if this dedupe key was already enqueued.

    ``ignore_conflicts`` is INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite: a
    duplicate neither raises nor poisons the caller's transaction.
    """
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return False
    Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, dedupe_key=dedupe_key, payload=payload)],
        ignore_conflicts=True,
    )
    return True


def enqueue_reservation(reservation: Reservation, *, kind: str) -> bool:
    return enqueue(
        user=reservation.user,
        kind=kind,
        dedupe_key=f"reservation:{reservation.pk}:{kind}",
        payload=reservation_payload(reservation),
    )


def enqueue_reservation_blocked(reservation: Reservation, *, reason: str) -> bool:
    # Still live: a checked-in booking cut short at the block's start rather than cancelled.
    payload = reservation_payload(reservation) | {
        "reason": reason,
        "shortened": reservation.is_live,
    }
    return enqueue(
        user=reservation.user,
        kind=Kind.BOOKING_BLOCKED,
        dedupe_key=f"reservation:{reservation.pk}:{Kind.BOOKING_BLOCKED}",
        payload=payload,
    )


def enqueue_verification(user: User, *, decision: str) -> bool:
    kind = Kind.MEMBER_VERIFIED if decision == "verified" else Kind.MEMBER_REJECTED
    # A member may be verified, unverified and verified again: each decision is an event.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return enqueue(user=user, kind=kind, dedupe_key=f"user:{user.pk}:{kind}:{stamp}", payload={})


def enqueue_ticket_status(ticket, *, user: User, new_status: str, comment: str = "") -> bool:
    # Each status change is its own event (a ticket may be reopened and resolved again).
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return enqueue(
        user=user,
        kind=Kind.TICKET_STATUS,
        dedupe_key=f"ticket:{ticket.pk}:{new_status}:{stamp}",
        payload={
            "ticket": ticket.pk,
            "subject": ticket.subject,
            "status": new_status,
            "comment": comment or "",
        },
    )


def enqueue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Enqueue one reminder per booked reservation starting within policy.reminder_minutes.

    Safe from several schedulers at once: rows are claimed with SKIP LOCKED and marked
    ``reminded_at`` in the same transaction; the dedupe key backs this up.
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
                user__telegram_id__isnull=False,
                user__is_active=True,
            )
            .order_by("start")
        )
        for reservation in due:
            enqueue(
                user=reservation.user,
                kind=Kind.REMINDER,
                dedupe_key=f"reservation:{reservation.pk}:reminder",
                payload=reservation_payload(reservation),
            )
        Reservation.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
    return len(due)


# --- Send ----------------------------------------------------------------------------------


@dataclass
class Outgoing:
    notification_id: int
    user_id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class Outcome:
    item: Outgoing
    error: BaseException | None = None
    attempted: bool = True


def send_pending(*, batch_size: int = BATCH_SIZE, max_batches: int = 10) -> int:
    """Deliver due outbox rows; returns how many were sent. Off without a bot token."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    sent = 0
    for _ in range(max_batches):
        claimed = _claim(batch_size)
        if not claimed:
            break
        outgoing = _prepare(claimed)
        if outgoing:
            sent += _record(asyncio.run(_deliver(outgoing)))
        if len(claimed) < batch_size:
            break
    return sent


def _claim(batch_size: int) -> list[Notification]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, next_attempt_at=now + CLAIM_LEASE
        )
    for row in rows:
        row.attempts += 1
    return rows


def _prepare(rows: list[Notification]) -> list[Outgoing]:
    users = User.objects.in_bulk({r.user_id for r in rows})
    outgoing, unlinked = [], []
    for row in rows:
        user = users.get(row.user_id)
        # A declined registration is deactivated, and still hears why.
        silenced = not user.is_active and row.kind != Kind.MEMBER_REJECTED if user else True
        if user is None or user.telegram_id is None or silenced:
            unlinked.append(row.pk)
            continue
        text, markup = render_notification(row.kind, row.payload, user.language)
        outgoing.append(Outgoing(row.pk, user.pk, user.telegram_id, text, markup))
    if unlinked:
        Notification.objects.filter(pk__in=unlinked).update(
            status=Status.FAILED, last_error="Telegram is not linked."
        )
    return outgoing


async def _deliver(items: list[Outgoing]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    try:
        async with make_bot() as bot:
            for index, item in enumerate(items):
                try:
                    await bot.send_message(
                        chat_id=item.chat_id, text=item.text, reply_markup=item.markup
                    )
                except RetryAfter as exc:
                    # Flood control: everything else in this batch would be refused too.
                    outcomes.append(Outcome(item, exc))
                    outcomes += [Outcome(rest, exc, attempted=False) for rest in items[index + 1 :]]
                    break
                except TelegramError as exc:
                    outcomes.append(Outcome(item, exc))
                else:
                    outcomes.append(Outcome(item))
    except Exception as exc:  # getMe / connection failure: retry the rest later
        logger.warning("Telegram delivery batch failed: %s", exc)
        done = {o.item.notification_id for o in outcomes}
        outcomes += [Outcome(i, exc) for i in items if i.notification_id not in done]
    return outcomes


def _backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _record(outcomes: list[Outcome]) -> int:
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        for outcome in outcomes:
            item, exc = outcome.item, outcome.error
            row = Notification.objects.filter(pk=item.notification_id, status=Status.PENDING)
            if exc is None:
                row.update(status=Status.SENT, sent_at=now, last_error="")
                sent += 1
            elif isinstance(exc, Forbidden):
                # The member blocked the bot (or deleted the account): stop messaging them.
                User.objects.filter(pk=item.user_id, telegram_id=item.chat_id).update(
                    telegram_id=None, telegram_username=""
                )
                row.update(status=Status.FAILED, last_error=str(exc)[:1000])
            elif isinstance(exc, (BadRequest, ChatMigrated)):
                row.update(status=Status.FAILED, last_error=str(exc)[:1000])
            elif isinstance(exc, RetryAfter):
                fields = {"next_attempt_at": now + _retry_after(exc)}
                if not outcome.attempted:
                    fields["attempts"] = F("attempts") - 1
                row.update(last_error=str(exc)[:1000], **fields)
            else:
                _retry_or_fail(row, exc, now)
    return sent


def _retry_after(exc: RetryAfter) -> dt.timedelta:
    with warnings.catch_warnings():
        # PTB 22 deprecates the int form; either form means seconds.
        warnings.simplefilter("ignore")
        delay = exc.retry_after
    return delay if isinstance(delay, dt.timedelta) else dt.timedelta(seconds=delay)


def _retry_or_fail(row, exc: BaseException, now: dt.datetime) -> None:
    """NetworkError, TimedOut, 5xx, a wrong token: try again later, up to MAX_ATTEMPTS."""
    current = row.values_list("attempts", flat=True).first()
    if current is None:
        return
    if current >= MAX_ATTEMPTS:
        row.update(status=Status.FAILED, last_error=str(exc)[:1000])
    else:
        row.update(next_attempt_at=now + _backoff(current), last_error=str(exc)[:1000])
