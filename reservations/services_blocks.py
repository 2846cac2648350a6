"""Seat blocks (maintenance) and booking-rule overrides: staff writes, one place.

Invariants:
- while a block lasts, its seat (or every seat of its floor) holds no live booking in the
  block's window: creating the block cancels the live bookings it covers in the same
  transaction, and the booking service refuses new ones with 409 (see _check_overlaps);
- each cancelled member is told why: the cancellation signal carries the block's reason,
  the notification outbox writes the message in that same transaction. A checked-in booking in
  progress is not taken away before the block begins: it ends then (or now, if it has begun).
"""

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from bookit.errors import PermissionDenied, ValidationFailed
from reservations import messages as msg
from reservations.models import LIVE_STATUSES, BookingRule, Reservation, SeatBlock
from reservations.policy import OVERRIDABLE, default_rule, policy_changed
from reservations.services import check_interval, reservation_cancel
from seats.models import Floor, Seat

REASON_MAX = SeatBlock._meta.get_field("reason").max_length or 200


def seat_block_create(
    *,
    by: User,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    seat: Seat | None = None,
    floor: Floor | None = None,
) -> tuple[SeatBlock, list[Reservation]]:
    """Close a seat or a floor for [start, end); returns the block and the bookings cancelled."""
    if not by.is_staff:
        raise PermissionDenied()
    if (seat is None) == (floor is None):
        raise ValidationFailed.on("seat", msg.SEAT_OR_FLOOR)
    check_interval(start=start, end=end)
    now = timezone.now()
    if end <= now:
        raise ValidationFailed.on("end", msg.IN_THE_PAST)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", msg.BLOCK_NEEDS_REASON)
    if len(reason) > REASON_MAX:
        raise ValidationFailed.on("reason", msg.too_many_characters(REASON_MAX))
    with transaction.atomic():
        # Lock the seats first: a booking racing the block either commits before (and is
        # cancelled below) or waits and then sees the block. SQLite: BEGIN IMMEDIATE.
        seats = Seat.objects.filter(pk=seat.pk) if seat else Seat.objects.filter(floor=floor)
        list(seats.select_for_update().values_list("pk", flat=True))
        block = SeatBlock.objects.create(
            seat=seat, floor=floor, start=start, end=end, reason=reason, created_by=by
        )
        covered = (
            Reservation.objects.filter(status__in=LIVE_STATUSES)
            .overlapping(start=start, end=end)
            .filter(Q(seat=seat) if seat else Q(seat__floor=floor), end__gt=now)
            .select_related("seat__floor", "user")
        )
        cancelled = []
        for reservation in covered:
            # A checked-in member stays until the block begins; a booking is cancelled whole.
            reservation_cancel(reservation=reservation, by=by, reason=reason, ends_at=start)
            cancelled.append(reservation)
    return block, cancelled


def seat_block_delete(*, block: SeatBlock, by: User) -> None:
    """Reopen: the seat can be booked again (cancelled bookings stay cancelled)."""
    if not by.is_staff:
        raise PermissionDenied()
    block.delete()


def booking_rule_check(*, rule: BookingRule) -> None:
    """One scope, and a rule that still makes sense over the policy's defaults: a floor that
    "closes at 07:00" while the policy opens at 08:00 would refuse every booking."""
    if bool(rule.kind) == bool(rule.floor_id):
        raise ValidationFailed.on("kind", msg.RULE_ONE_SCOPE)
    values = {f: getattr(rule, f) for f in OVERRIDABLE if getattr(rule, f) is not None}
    effective = replace(default_rule(), **values)
    if effective.closes_at <= effective.opens_at:
        raise ValidationFailed.on(
            "closes_at",
            msg.closes_before_opening(closes=effective.closes_at, opens=effective.opens_at),
        )
    if effective.max_minutes < effective.min_minutes:
        raise ValidationFailed.on(
            "max_minutes",
            msg.max_below_min(max_minutes=effective.max_minutes, min_minutes=effective.min_minutes),
        )


def booking_rule_save(*, rule: BookingRule) -> BookingRule:
    """Save an override; the next unit of work everywhere reads it (see reservations.policy)."""
    booking_rule_check(rule=rule)
    with transaction.atomic():
        rule.save()
    transaction.on_commit(policy_changed)
    return rule


def booking_rule_delete(*, rule: BookingRule) -> None:
    rule.delete()
    transaction.on_commit(policy_changed)
