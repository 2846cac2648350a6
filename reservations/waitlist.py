"""The waitlist with a held offer (DESIGN.md "Waitlist with a held offer").

A member joins for one seat, or for any seat of a floor and/or kind, over a window. When a
matching seat frees (a booking cancelled, shortened or moved, a no-show released, a block
removed, a hold given up), the first waiting entry in line (oldest ``created_at``) is
offered it: ``services.hold_create`` checks every booking rule for that member and inserts a
Reservation in status "held" (no member yet), which the seat's PostgreSQL exclusion constraint
and the booking check both count as taken, so nobody else can book the seat while the offer
stands. The member is told (``waitlist_offered`` -> notifications: Telegram with Accept /
Decline buttons, email; the "my bookings" page shows it) and has OFFER_MINUTES to accept.

- accept: ``services.hold_accept`` turns the held row into the member's booking, every rule
  checked again (cap included). An expired offer cannot be accepted.
- decline, leaving the list, expiry (the scheduler): the held row is deleted and the seat is
  offered to the next in line.
- fairness under concurrency: offers are made per entry under SELECT ... FOR UPDATE SKIP
  LOCKED, so two schedulers (or a scheduler and a request's on-commit pass) never work on one
  entry at once, and the exclusion constraint (SQLite: the IMMEDIATE transaction) refuses a
  second hold of one seat: two schedulers never offer one seat twice.

Where the offered window starts: the entry's own start, or (the window already begun) the
current slot; once the current slot's check-in grace has passed, the next slot, so an accepted
offer is never born a no-show. An entry whose remaining window is shorter than the minimum
booking is expired.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookit.errors import Conflict, DomainError, NotFound, ValidationFailed
from reservations import messages as msg
from reservations import selectors, services, slots
from reservations.models import Reservation, WaitlistEntry
from reservations.policy import default_rule, get_policy, rule_for_seat
from reservations.signals import waitlist_offered
from seats.models import Floor, Seat
from seats.selectors import seats_filtered

logger = logging.getLogger(__name__)

Status = WaitlistEntry.Status
ACTIVE = (Status.WAITING, Status.OFFERED)
MAX_ACTIVE_ENTRIES = 5  # per member: a waitlist is for what you need, not a standing claim
CANDIDATE_SEATS = (
    5  # seats tried per entry and pass: rules refused for one seat rarely pass another
)
BATCH = 50


def offer_minutes() -> int:
    return int(getattr(settings, "WAITLIST_OFFER_MINUTES", 10))


@dataclass
class Target:
    seat: Seat | None = None
    floor: Floor | None = None
    kind: str = ""


# --- Joining and leaving -------------------------------------------------------------------


def _same_target(entry_qs: QuerySet[WaitlistEntry], target: Target) -> QuerySet[WaitlistEntry]:
    if target.seat is not None:
        return entry_qs.filter(seat=target.seat)
    return entry_qs.filter(seat=None, floor=target.floor, kind=target.kind)


def position(entry: WaitlistEntry) -> int:
    """1 + the waiting entries ahead of this one for the same seat (or floor/kind) and an
    overlapping window. Offered and finished entries are no longer in line."""
    if entry.status != Status.WAITING:
        return 0
    ahead = _same_target(
        WaitlistEntry.objects.filter(
            status=Status.WAITING, start__lt=entry.end, end__gt=entry.start
        ).filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
        ),
        Target(entry.seat, entry.floor, entry.kind),
    )
    return ahead.count() + 1


def _candidates(target: Target) -> list[Seat]:
    if target.seat is not None:
        return [target.seat]
    return seats_filtered(floor=target.floor.pk if target.floor else None, kind=target.kind or None)


def waitlist_join(
    *,
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    seat: Seat | None = None,
    floor: Floor | None = None,
    kind: str = "",
) -> WaitlistEntry:
    """Join the line for ``seat``, or any seat of ``floor`` and/or ``kind``, over [start, end).

    The window obeys the booking rules (of the seat, else the policy's). A matching seat that
    is free for the whole window is a 409: book it instead. One active entry per member,
    target and overlapping window; at most MAX_ACTIVE_ENTRIES active entries per member.
    """
    if seat is not None and (floor is not None or kind):
        raise ValidationFailed.on("seat", msg.WAIT_SEAT_OR_AREA)
    if seat is None and floor is None and not kind:
        raise ValidationFailed.on("seat", msg.WAIT_FOR_WHAT)
    if kind and kind not in Seat.Kind.values:
        raise ValidationFailed.on("kind", msg.UNKNOWN_KIND)
    target = Target(seat, floor, kind)
    candidates = _candidates(target)
    if not candidates:
        raise ValidationFailed.on("floor", msg.NO_SEAT_MATCHES)
    services.check_can_book(user=user, seat=candidates[0], by=user)
    now = timezone.now()
    rule = rule_for_seat(seat) if seat is not None else default_rule()
    services.validate_window(start=start, end=end, now=now, rule=rule)
    free = [
        s.seat
        for s in selectors.seat_availability(seats=candidates, start=start, end=end, user=user)
        if s.available
    ]
    if free:
        raise Conflict(
            msg.book_it_instead(free[0].label),
            errors={"seat": [msg.MATCHING_SEAT_FREE]},
            extra={"free_seat": free[0].pk},
        )
    with transaction.atomic():
        # The member's row serializes their joins: the two checks below hold under a race.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        mine = WaitlistEntry.objects.filter(user=user, status__in=ACTIVE, end__gt=now)
        duplicate = _same_target(mine.filter(start__lt=end, end__gt=start), target).first()
        if duplicate is not None:
            raise Conflict(
                msg.ALREADY_WAITING,
                errors={"start": [msg.ALREADY_WAITING_THEN]},
                extra={"entry": duplicate.pk},
            )
        if mine.count() >= MAX_ACTIVE_ENTRIES:
            raise ValidationFailed.on(
                "non_field_errors",
                msg.too_many_waits(MAX_ACTIVE_ENTRIES),
            )
        entry = WaitlistEntry.objects.create(
            user=user, start=start, end=end, seat=seat, floor=floor, kind=kind, created_at=now
        )
    return entry


def entries_for_user(*, user: User, active_only: bool = False) -> QuerySet[WaitlistEntry]:
    qs = WaitlistEntry.objects.filter(user=user).select_related(
        "seat__floor", "floor", "offered_seat__floor", "reservation"
    )
    if active_only:
        qs = qs.filter(status__in=ACTIVE, end__gt=timezone.now())
    return qs.order_by("-created_at", "-id")


def entry_get(*, user: User, pk: int) -> WaitlistEntry:
    entry = entries_for_user(user=user).filter(pk=pk).first()
    if entry is None:
        raise NotFound()
    return entry


def _locked(*, user: User, pk: int) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().filter(pk=pk, user=user).first()
    if entry is None:
        raise NotFound()
    return entry


def _pass_on(freed: tuple[int, dt.datetime, dt.datetime] | None) -> None:
    """After commit: offer what a given-up hold freed to the next in line."""
    if freed is not None:
        _, start, end = freed
        transaction.on_commit(lambda: offers_after_change(start=start, end=end), robust=True)


def waitlist_leave(*, user: User, pk: int) -> WaitlistEntry:
    """Leave the line (an offer standing is given up and passes on); a repeat is a no-op."""
    with transaction.atomic():
        entry = _locked(user=user, pk=pk)
        if not entry.is_active:
            return entry
        freed = services.hold_release(hold_pk=entry.reservation_id)
        if entry.status == Status.OFFERED:
            entry.reservation = None
        entry.status, entry.decided_at = Status.CANCELLED, timezone.now()
        entry.save(update_fields=["status", "decided_at", "reservation"])
        _pass_on(freed)
    return entry


def waitlist_leave_all(*, user: User) -> int:
    """Account deletion: leave every active entry (standing offers pass on)."""
    pks = list(
        WaitlistEntry.objects.filter(user=user, status__in=ACTIVE).values_list("pk", flat=True)
    )
    for pk in pks:
        waitlist_leave(user=user, pk=pk)
    return len(pks)


def offer_decline(*, user: User, pk: int) -> WaitlistEntry:
    """Say no to the seat offered: the hold is released and goes to the next in line."""
    with transaction.atomic():
        entry = _locked(user=user, pk=pk)
        if entry.status == Status.DECLINED:
            return entry
        if entry.status != Status.OFFERED:
            raise _no_offer(entry)
        freed = services.hold_release(hold_pk=entry.reservation_id)
        entry.status, entry.decided_at, entry.reservation = Status.DECLINED, timezone.now(), None
        entry.save(update_fields=["status", "decided_at", "reservation"])
        _pass_on(freed)
    return entry


def _no_offer(entry: WaitlistEntry) -> Conflict:
    if entry.status == Status.EXPIRED:
        message = str(msg.OFFER_EXPIRED)
    elif entry.status == Status.WAITING:
        message = str(msg.STILL_WAITING)
    else:
        message = msg.entry_is(entry.get_status_display())
    return Conflict(message, errors={"non_field_errors": [message]}, extra={"status": entry.status})


def offer_accept(*, user: User, pk: int) -> Reservation:
    """Take the seat offered: the held row becomes the member's booking (every rule checked
    again). A repeat after success answers the same booking; an expired offer is a 409 and
    passes on."""
    now = timezone.now()
    with transaction.atomic():
        entry = _locked(user=user, pk=pk)
        if entry.status == Status.ACCEPTED and entry.reservation is not None:
            return entry.reservation
        if entry.status != Status.OFFERED:
            raise _no_offer(entry)
        if entry.offer_expires_at is None or entry.offer_expires_at > now:
            hold = (
                Reservation.objects.select_for_update(of=("self",))
                .select_related("seat__floor")
                .filter(pk=entry.reservation_id or 0, status=Reservation.Status.HELD)
                .first()
            )
            if hold is None:  # released meanwhile (an admin deleted it): nothing to accept
                raise _no_offer(entry)
            start = offer_start(hold.start, now=now)
            reservation = services.hold_accept(hold=hold, user=user, start=start, now=now)
            entry.status, entry.decided_at = Status.ACCEPTED, now
            entry.save(update_fields=["status", "decided_at"])
            return reservation
        _expire_offer(entry, now=now)  # committed: the 409 below does not undo the expiry
    raise _no_offer(entry)


# --- Offering ------------------------------------------------------------------------------


def offer_start(start: dt.datetime, *, now: dt.datetime) -> dt.datetime:
    """The start of an offered (or accepted) window: ``start``, or the current slot once the
    window has begun, or the next slot once that start's check-in grace has passed."""
    if start > now:
        return start
    policy = get_policy()
    slot = slots.current_slot_start(policy, now)
    begin = max(start, slot)
    if now >= begin + policy.checkin_grace:
        return slot + policy.slot
    return begin


def _expire_offer(entry: WaitlistEntry, *, now: dt.datetime) -> None:
    freed = services.hold_release(hold_pk=entry.reservation_id)
    entry.status, entry.decided_at, entry.reservation = Status.EXPIRED, now, None
    entry.save(update_fields=["status", "decided_at", "reservation"])
    _pass_on(freed)


def _offer_one(entry_pk: int, *, now: dt.datetime) -> bool:
    """Offer a seat to one waiting entry, if one matches and is free; True when offered."""
    policy = get_policy()
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "seat__floor", "floor")
            .filter(pk=entry_pk, status=Status.WAITING)
            .first()
        )
        if entry is None:  # taken by another scheduler, or no longer waiting
            return False
        start = offer_start(entry.start, now=now)
        if entry.end - start < dt.timedelta(minutes=policy.min_minutes):
            entry.status, entry.decided_at = Status.EXPIRED, now
            entry.save(update_fields=["status", "decided_at"])
            return False
        target = Target(entry.seat, entry.floor, entry.kind)
        states = selectors.seat_availability(
            seats=_candidates(target), start=start, end=entry.end, user=entry.user, now=now
        )
        free = [s.seat for s in states if s.available][:CANDIDATE_SEATS]
        for seat in free:
            try:
                hold = services.hold_create(
                    user=entry.user, seat=seat, start=start, end=entry.end, now=now
                )
            except DomainError:
                continue  # taken meanwhile (the constraint), or a rule refuses this member
            entry.status = Status.OFFERED
            entry.offered_seat = seat
            entry.reservation = hold
            entry.offer_expires_at = now + dt.timedelta(minutes=offer_minutes())
            entry.save(update_fields=["status", "offered_seat", "reservation", "offer_expires_at"])
            hold.seat = seat
            waitlist_offered.send(WaitlistEntry, entry=entry)
            return True
    return False


def _waiting(*, now: dt.datetime) -> QuerySet[WaitlistEntry]:
    return WaitlistEntry.objects.filter(status=Status.WAITING, end__gt=now).order_by(
        "created_at", "id"
    )


def make_offers(
    *,
    now: dt.datetime | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> int:
    """Offer free seats to waiting entries, first in line first; ``start``/``end``: only the
    entries overlapping what just freed. Returns how many offers were made."""
    now = now or timezone.now()
    waiting = _waiting(now=now)
    if start is not None and end is not None:
        waiting = waiting.filter(start__lt=end, end__gt=start)
    offered = 0
    for pk in list(waiting.values_list("pk", flat=True)[:BATCH]):
        offered += _offer_one(pk, now=now)
    return offered


def offers_after_change(*, start: dt.datetime, end: dt.datetime) -> int:
    """On commit of whatever freed [start, end) of a seat; never breaks the caller."""
    try:
        return make_offers(start=start, end=end)
    except Exception:
        logger.exception("waitlist: offering after a change failed (the scheduler retries)")
        return 0


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Offers past their time pass on; entries whose window has ended expire."""
    now = now or timezone.now()
    count = 0
    due = WaitlistEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            entry = (
                WaitlistEntry.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if entry is None:
                continue
            _expire_offer(entry, now=now)
            count += 1
    count += WaitlistEntry.objects.filter(status=Status.WAITING, end__lte=now).update(
        status=Status.EXPIRED, decided_at=now
    )
    # A hold no standing offer refers to (its entry deleted with an account, say) frees its seat.
    stale = now - dt.timedelta(minutes=offer_minutes() + 1)
    standing = WaitlistEntry.objects.filter(status=Status.OFFERED).values("reservation_id")
    count += (
        Reservation.objects.filter(status=Reservation.Status.HELD, created_at__lt=stale)
        .exclude(pk__in=standing.filter(reservation__isnull=False))
        .delete()[0]
    )
    return count


def waitlist_tick() -> int:
    """The scheduler's task: expire, then offer (catches anything an on-commit pass missed)."""
    now = timezone.now()
    return expire_offers(now=now) + make_offers(now=now)


# --- Answers -------------------------------------------------------------------------------


def entry_data(entry: WaitlistEntry) -> dict:
    """One entry in the API's shape (and the pages')."""

    def iso(value: dt.datetime | None) -> str | None:
        return timezone.localtime(value).isoformat() if value is not None else None

    data = {
        "id": entry.pk,
        "status": entry.status,
        "position": position(entry) if entry.status == Status.WAITING else None,
        "start": iso(entry.start),
        "end": iso(entry.end),
        "seat": entry.seat_id,
        "floor": entry.floor_id,
        "kind": entry.kind or None,
        "created_at": iso(entry.created_at),
        "offered_seat": entry.offered_seat_id if entry.status == Status.OFFERED else None,
        "offer_expires_at": iso(entry.offer_expires_at) if entry.status == Status.OFFERED else None,
        "reservation": entry.reservation_id if entry.status == Status.ACCEPTED else None,
    }
    if entry.status == Status.OFFERED and entry.offered_seat is not None:
        data["offered_seat_label"] = entry.offered_seat.label
    return data
