"""The desk's own QR code (DESIGN.md): what a member scanning a seat's code sees and can do.

Reads (``desk_state``) say whether the seat is free now and until when, and the caller's own
booking of it; they never carry anyone else's identity. Writes go through the booking service:
``desk_check_in`` checks in the caller's own current booking, ``walk_in`` books the free seat
from the current slot and checks it in at once, in one transaction (no booked-but-not-checked-in
walk-in is left behind when the check-in fails).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookit.errors import Conflict, NotFound, ValidationFailed
from reservations import messages as msg
from reservations import services, slots, waitlist
from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Seat
from seats.tokens import seat_id_from_token


@dataclass
class DeskState:
    seat: Seat
    now: dt.datetime
    open_now: bool
    free_now: bool
    # Free now: until when (the next booking, or closing). Busy now: when it frees (None when
    # it stays busy until closing).
    free_until: dt.datetime | None
    busy_until: dt.datetime | None
    mine: Reservation | None
    can_check_in: bool
    can_walk_in: bool
    # Busy now: the member may wait for it from the current slot (reservations.waitlist).
    can_join: bool = False
    closes: dt.datetime | None = None

    @property
    def walk_in_ends(self) -> list[dt.datetime]:
        """The ends a walk-in may choose: every slot boundary up to ``free_until``."""
        if not self.can_walk_in or self.free_until is None:
            return []
        policy = get_policy()
        start = slots.current_slot_start(policy, self.now)
        ends, end = [], start + dt.timedelta(minutes=policy.min_minutes)
        limit = min(self.free_until, start + dt.timedelta(minutes=policy.max_minutes))
        while end <= limit:
            ends.append(end)
            end += policy.slot
        return ends

    @property
    def join_ends(self) -> list[dt.datetime]:
        """The ends a waitlist entry from the current slot may choose: past the time the seat
        frees (nothing to wait for before), until closing, at most the maximum duration."""
        if not self.can_join or self.closes is None:
            return []
        policy = get_policy()
        start = slots.current_slot_start(policy, self.now)
        limit = min(self.closes, start + dt.timedelta(minutes=policy.max_minutes))
        end = start + dt.timedelta(minutes=policy.min_minutes)
        ends = []
        while end <= limit:
            ends.append(end)
            end += policy.slot
        return ends


def seat_for_token(token: str) -> Seat:
    """The seat a printed code names; a forged or unknown code is 404 (nothing leaks)."""
    pk = seat_id_from_token(token)
    seat = Seat.objects.select_related("floor").filter(pk=pk).first() if pk else None
    if seat is None:
        raise NotFound(msg.SEAT_CODE_INVALID)
    return seat


def _own_current(*, seat: Seat, user: User | AnonymousUser, now: dt.datetime) -> Reservation | None:
    """The caller's live booking of this seat that is on now or opens for check-in now."""
    if not user.is_authenticated:
        return None
    policy = get_policy()
    return (
        Reservation.objects.filter(seat=seat, user=user)
        .live(now=now)
        .filter(start__lte=now + policy.checkin_early, end__gt=now)
        .order_by("start")
        .first()
    )


def desk_state(
    *, seat: Seat, user: User | AnonymousUser, now: dt.datetime | None = None
) -> DeskState:
    """The seat now, for whoever scanned it (anonymous: no own booking). Three queries."""
    policy = get_policy()
    now = now or timezone.now()
    local = timezone.localtime(now, policy.tz)
    opens = dt.datetime.combine(local.date(), policy.opens_at, policy.tz)
    closes = dt.datetime.combine(local.date(), policy.closes_at, policy.tz)
    open_now = seat.is_active and opens <= now < closes
    slot_start = slots.current_slot_start(policy, now)
    # Live bookings from the current slot to closing, in order: enough to say both "free
    # until" and "busy until" (back-to-back bookings keep the seat busy).
    taken = list(
        Reservation.objects.live(now=now)
        .overlapping(start=slot_start, end=max(closes, slot_start + policy.slot))
        .filter(seat=seat)
        .order_by("start")
        .only("start", "end", "user_id")
    )
    current = [r for r in taken if r.start <= now < r.end]
    free_now = open_now and not current
    free_until = busy_until = None
    if free_now:
        later = [r.start for r in taken if r.start > now]
        free_until = min([*later, closes])
    elif current:
        busy_until = max(r.end for r in current)
        for reservation in taken:  # follow back-to-back bookings
            if reservation.start <= busy_until < reservation.end:
                busy_until = reservation.end
        if busy_until >= closes:
            busy_until = None
    mine = _own_current(seat=seat, user=user, now=now)
    can_check_in = mine is not None and mine.status == Reservation.Status.BOOKED
    # A booking that ended early inside the current slot still holds its start of the slot.
    walk_in_blocked = any(slot_start < r.end <= now for r in taken)
    can_walk_in = (
        free_now
        and user.is_authenticated
        and user.can_book
        and not walk_in_blocked
        and free_until is not None
        and free_until - slot_start >= dt.timedelta(minutes=policy.min_minutes)
    )
    can_join = (
        open_now
        and not free_now
        and mine is None
        and user.is_authenticated
        and user.can_book
        and closes - slot_start >= dt.timedelta(minutes=policy.min_minutes)
    )
    return DeskState(
        seat=seat,
        now=now,
        open_now=open_now,
        free_now=free_now,
        free_until=free_until,
        busy_until=busy_until,
        mine=mine,
        can_check_in=can_check_in,
        can_walk_in=can_walk_in,
        can_join=can_join,
        closes=closes,
    )


def desk_check_in(*, seat: Seat, user: User) -> tuple[Reservation, bool]:
    """Check in the caller's own current booking of this seat; a repeat changes nothing."""
    mine = _own_current(seat=seat, user=user, now=timezone.now())
    if mine is None:
        raise ValidationFailed.on("non_field_errors", msg.NOTHING_TO_CHECK_IN)
    return services.reservation_check_in(reservation=mine, by=user, at_desk=True)


def walk_in(*, seat: Seat, user: User, end: dt.datetime | None = None) -> Reservation:
    """Book the seat from the current slot until ``end`` (default: the next booking or
    closing, at most the maximum duration) and check it in at once."""
    policy = get_policy()
    now = timezone.now()
    start = slots.current_slot_start(policy, now)
    if end is None:
        state = desk_state(seat=seat, user=user, now=now)
        if not state.free_now or state.free_until is None:
            # A booking conflict (409), said plainly: the holder's booking is not shown.
            raise Conflict(msg.SEAT_NOT_FREE_NOW, errors={"seat": [msg.SEAT_TAKEN_NOW]})
        end = min(state.free_until, start + dt.timedelta(minutes=policy.max_minutes))
    with transaction.atomic():
        reservation = services.reservation_create(user=user, seat=seat, start=start, end=end)
        reservation, _changed = services.reservation_check_in(
            reservation=reservation, by=user, now=now, at_desk=True
        )
    return reservation


def join_waitlist(*, seat: Seat, user: User, end: dt.datetime | None = None):
    """Busy now: wait for this seat from the current slot until ``end`` (default: closing, at
    most the maximum duration); reservations.waitlist offers it when it frees."""
    policy = get_policy()
    now = timezone.now()
    start = slots.current_slot_start(policy, now)
    if end is None:
        closes = dt.datetime.combine(
            timezone.localtime(now, policy.tz).date(), policy.closes_at, policy.tz
        )
        end = min(closes, start + dt.timedelta(minutes=policy.max_minutes))
    return waitlist.waitlist_join(user=user, seat=seat, start=start, end=end)
