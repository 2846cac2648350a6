"""Booking rules. The only place they live: API views, pages, admin and commands call these.

Invariants:
- a seat has at most one live (booked / checked_in) reservation at any instant, and a member
  holds at most one live reservation at any instant; intervals are half-open [start, end).
- on PostgreSQL two exclusion constraints enforce both; the service also locks the member and
  seat rows (SELECT ... FOR UPDATE) before checking, so the common conflict gets a friendly 409
  instead of an IntegrityError. On SQLite, atomic() opens BEGIN IMMEDIATE (see settings), which
  serializes every check-and-insert.
- a booked reservation not checked in by start + grace is a no-show: it no longer holds its seat,
  even before release_no_shows marks it (the booking path releases such rows it collides with).
- every rule is re-checked on update; staff bookings for a member obey the same rules.
"""

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple, cast

from django.core import signing
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from accounts.models import User
from bookit import rows as sql_rows
from bookit.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from reservations import messages as msg
from reservations import slots
from reservations.models import (
    LIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    BookingPolicy,
    BookingRule,
    Reservation,
    ReservationQuerySet,
    SeatBlock,
    Series,
)
from reservations.policy import (
    POLICY_PK,
    RULE_ORDER,
    EffectiveRule,
    Overrides,
    RuleBook,
    default_rule,
    get_policy,
    policy_is_read,
    policy_with_rules,
    remember_policy,
    rule_for_seat,
)
from reservations.signals import reservation_changed, reservation_conflict
from seats.models import Seat

logger = logging.getLogger(__name__)

Status = Reservation.Status
CHECKIN_SALT = "bookit.checkin"


def _local(value: dt.datetime, policy: slots.Rules) -> dt.datetime:
    return timezone.localtime(value, policy.tz)


def check_interval(*, start: dt.datetime, end: dt.datetime) -> None:
    """Aware datetimes, end after start: what every interval (booking, block) must be."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationFailed.on("start", msg.NEEDS_UTC_OFFSET)
    slots.ensure_ordered(start, end)


def validate_window(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    rule: EffectiveRule | None = None,
) -> None:
    """The time rules (the seat's ``rule``, else the policy); ValidationFailed names the field."""
    policy = rule or default_rule()
    now = now or timezone.now()
    check_interval(start=start, end=end)
    local_start, local_end = _local(start, policy), _local(end, policy)
    for field, value in (("start", local_start), ("end", local_end)):
        if not slots.is_on_step(value, policy):
            raise ValidationFailed.on(field, msg.off_step(policy.slot_minutes))
    closes_on_start_day = dt.datetime.combine(local_start.date(), policy.closes_at, policy.tz)
    if local_start.time() < policy.opens_at or local_end > closes_on_start_day:
        raise ValidationFailed.on(
            "start", msg.outside_opening_hours(policy.opens_at, policy.closes_at)
        )
    minutes = (end - start).total_seconds() / 60
    if minutes < policy.min_minutes:
        raise ValidationFailed.on("end", msg.too_short(policy.min_minutes))
    if minutes > policy.max_minutes:
        raise ValidationFailed.on("end", msg.too_long(policy.max_minutes))
    if start < slots.current_slot_start(policy, now):
        raise ValidationFailed.on("start", msg.IN_THE_PAST)
    if start > now + dt.timedelta(days=policy.advance_days):
        raise ValidationFailed.on("start", msg.too_far_ahead(policy.advance_days))


def _conflict_payload(reservation: "Reservation | _Row", *, user: User) -> dict:
    # ``mine`` tells a client that retried a lost 201 that the seat is taken by its own booking.
    policy = get_policy()
    return {
        "id": reservation.pk,
        "seat": reservation.seat_id,
        "start": _local(reservation.start, policy).isoformat(),
        "end": _local(reservation.end, policy).isoformat(),
        "mine": reservation.user_id == user.pk,
    }


def _stale(qs: ReservationQuerySet, *, now: dt.datetime) -> ReservationQuerySet:
    """Booked reservations past their check-in grace: no-shows, whether marked yet or not."""
    return qs.past_grace(now=now, grace=get_policy().checkin_grace)


def _mark_no_shows(reservations: Iterable[Reservation]) -> int:
    """The one write of the no-show status (locked rows), with its event; returns the count."""
    count = 0
    for reservation in reservations:
        reservation.status = Status.NO_SHOW
        reservation.save(update_fields=["status"])
        reservation_changed.send(Reservation, reservation=reservation, action="no_show", by=None)
        count += 1
    return count


class _Row(NamedTuple):
    """One row of the booking's check statement: a reservation ("r") or a seat block ("b")."""

    row: str
    pk: int
    user_id: int | None
    seat_id: int | None
    start: dt.datetime
    end: dt.datetime
    status: str
    cap_key: object
    reason: str
    late_booked_at: dt.datetime | None
    series_id: int | None  # the series a booking is an occurrence of (the cap counts a series once)

    @property
    def checkin_from(self) -> dt.datetime:
        """Reservation.checkin_from for a row: the start, or a late booking's moment."""
        if self.late_booked_at is None:
            return self.start
        return max(self.start, self.late_booked_at)


@functools.cache
def _check_sql(alias: str, *, cap: str, exclude: bool, limit_upcoming: bool) -> str:
    """The check statement of _check_rows, one per shape, built once. ``cap``: the seat column
    (kind, floor_id) the cap is scoped to, joined; "" for none."""
    q = connections[alias].ops.quote_name
    r, b, s = (q(m._meta.db_table) for m in (Reservation, SeatBlock, Seat))
    cap_column, join = "NULL", ""
    if cap:
        cap_column = f"{s}.{q(cap)}"
        join = f" INNER JOIN {s} ON ({r}.{q('seat_id')} = {s}.{q('id')})"
    related = (
        f"{r}.{q('start')} < %s AND {r}.{q('end')} > %s"
        f" AND ({r}.{q('seat_id')} = %s OR {r}.{q('user_id')} = %s)"
    )
    if limit_upcoming:
        related = f"({related}) OR ({r}.{q('user_id')} = %s AND {r}.{q('end')} > %s)"
    holding = ", ".join(["%s"] * len(SEAT_HOLDING_STATUSES))
    return (
        f"SELECT 'r', {r}.{q('id')}, {r}.{q('user_id')}, {r}.{q('seat_id')}, {r}.{q('start')},"
        f" {r}.{q('end')}, {r}.{q('status')}, {cap_column}, '', {r}.{q('late_booked_at')},"
        f" {r}.{q('series_id')} FROM {r}{join}"
        f" WHERE {r}.{q('status')} IN ({holding}) AND ({related})"
        + (f" AND NOT ({r}.{q('id')} = %s)" if exclude else "")
        + " UNION ALL"
        f" SELECT 'b', {b}.{q('id')}, NULL, {b}.{q('seat_id')}, {b}.{q('start')}, {b}.{q('end')},"
        f" '', NULL, {b}.{q('reason')}, NULL, NULL FROM {b}"
        f" WHERE {b}.{q('start')} < %s AND {b}.{q('end')} > %s"
        f" AND ({b}.{q('seat_id')} = %s OR {b}.{q('floor_id')} = %s)"
        " ORDER BY 5, 2"
    )


def _check_rows(
    *,
    user: User,
    seat: Seat,
    start: dt.datetime,
    end: dt.datetime,
    exclude_pk: int | None,
    now: dt.datetime,
    rule: EffectiveRule,
    limit_upcoming: bool,
) -> tuple[list[_Row], object]:
    """The one check statement: the live reservations that overlap the window on this seat or
    of this member, the member's upcoming ones (for the cap), and the seat's or its floor's
    blocks over the window, as one UNION ALL ordered by start. ``cap_key`` is the seat kind or
    floor of each reservation when the seat's cap is scoped to one (joined in the same
    statement), and the value to count.

    Written out (see _lock): the statement has one shape per (cap scope, exclude, cap
    counted), and compiling its two querysets through the ORM cost more than running it.
    SEAT_HOLDING_STATUSES: a seat held for a waitlist offer clashes too; a held row has no
    member, so it is never the member's clash nor counts against their cap.
    """
    alias = router.db_for_read(Reservation)
    w_start, w_end, w_now = sql_rows.db_datetimes(alias, start, end, now)
    cap_key: object = None
    cap = ""
    if rule.cap_kind:
        cap, cap_key = "kind", rule.cap_kind
    elif rule.cap_floor:
        cap, cap_key = "floor_id", rule.cap_floor
    params: list[Any] = [*SEAT_HOLDING_STATUSES, w_end, w_start, seat.pk, user.pk]
    if limit_upcoming:
        params += [user.pk, w_now]
    if exclude_pk:
        params.append(exclude_pk)
    params += [w_end, w_start, seat.pk, seat.floor_id]
    sql = _check_sql(alias, cap=cap, exclude=bool(exclude_pk), limit_upcoming=limit_upcoming)
    cursor = sql_rows.cursor(alias)
    cursor.execute(sql, params)
    fetched = cursor.fetchall()
    # The datetimes as the ORM returns them (SQLite sends text; PostgreSQL aware datetimes).
    read = sql_rows.datetime_reader(alias)
    checked = []
    for row in fetched:
        values = list(row)
        for i in (4, 5, 9):
            values[i] = read(values[i])
        checked.append(_Row(*values))
    return checked, cap_key


def _check_overlaps(
    *,
    user: User,
    seat: Seat,
    start: dt.datetime,
    end: dt.datetime,
    exclude_pk: int | None,
    now: dt.datetime,
    policy: BookingPolicy,
    rule: EffectiveRule,
    limit_upcoming: bool,
    series: Series | None = None,
) -> None:
    """Every check of the booking, run after the locks, from one statement (_check_rows).

    A block comes first (a closed seat is refused whatever else holds). Then the reservations
    are sorted out here: stale no-shows to release, the seat clash, the member clash, the
    upcoming count under the seat's effective rule (a cap set for a kind or a floor counts the
    member's bookings of that kind / on that floor). Before, each was its own query.
    """
    rows, cap_key = _check_rows(
        user=user,
        seat=seat,
        start=start,
        end=end,
        exclude_pk=exclude_pk,
        now=now,
        rule=rule,
        limit_upcoming=limit_upcoming,
    )
    block = next((r for r in rows if r.row == "b"), None)
    if block is not None:
        _refuse_block(seat=seat, block=block, policy=policy)
    grace_edge = now - policy.checkin_grace
    stale: list[int] = []
    seat_clash: _Row | None = None
    own_clash: _Row | None = None
    upcoming: list[int | None] = []  # the series of each upcoming booking (None: a single one)
    for r in rows:
        overlaps = r.start < end and r.end > start
        if r.status == Status.BOOKED and r.checkin_from <= grace_edge:
            if overlaps:
                stale.append(r.pk)
            continue
        if overlaps and r.seat_id == seat.pk and seat_clash is None:
            seat_clash = r
        if r.user_id == user.pk:
            if overlaps and own_clash is None:
                own_clash = r
            if r.end > now and (cap_key is None or r.cap_key == cap_key):
                upcoming.append(r.series_id)
    if stale:  # rare: no-shows in the way hold nothing; marking them frees the constraints' rows
        # Locked and re-filtered: a row cancelled or checked in meanwhile is left alone.
        locked = Reservation.objects.select_for_update().filter(pk__in=stale, status=Status.BOOKED)
        _mark_no_shows(locked.order_by("start", "id"))
    if seat_clash is not None:
        reservation_conflict.send(Reservation, seat=seat, user=user, kind="seat")
        raise Conflict(
            msg.seat_clash(
                mine=seat_clash.user_id == user.pk,
                seat=seat.label,
                start=_fmt(seat_clash.start, policy),
                end=_fmt(seat_clash.end, policy),
            ),
            errors={"seat": [msg.SEAT_TAKEN]},
            extra={"conflict": _conflict_payload(seat_clash, user=user)},
        )
    if own_clash is not None:
        reservation_conflict.send(Reservation, seat=seat, user=user, kind="member")
        raise Conflict(
            msg.own_clash(start=_fmt(own_clash.start, policy), end=_fmt(own_clash.end, policy)),
            errors={"start": [msg.OVERLAPS_OWN]},
            extra={"conflict": _conflict_payload(own_clash, user=user)},
        )
    if limit_upcoming and _held(upcoming, series=series) >= rule.max_upcoming:
        # Only on create: moving a booking does not change how many a member holds.
        message = msg.too_many_upcoming(
            rule.max_upcoming, per_kind=bool(rule.cap_kind), per_floor=bool(rule.cap_floor)
        )
        raise ValidationFailed.on("non_field_errors", message)


def _refuse_block(*, seat: Seat, block: _Row, policy: BookingPolicy) -> None:
    """The seat (or its floor) is blocked in the window: 409 with the block."""
    raise Conflict(
        msg.seat_closed(
            seat=seat.label,
            start=_fmt(block.start, policy),
            end=_fmt(block.end, policy),
            reason=block.reason,
        ),
        errors={"seat": [msg.SEAT_CLOSED]},
        extra={
            "block": {
                "id": block.pk,
                "start": block.start.isoformat(),
                "end": block.end.isoformat(),
                "reason": block.reason,
            }
        },
    )


def _fmt(value: dt.datetime, policy: BookingPolicy) -> str:
    return _local(value, policy).strftime("%d.%m %H:%M")


@functools.cache
def _lock_sql(alias: str, *, read_seat: bool, read_policy: bool) -> str:
    """The lock statement of _lock, one per shape, built once."""
    connection = connections[alias]
    q = connection.ops.quote_name
    u, s, p, r = (q(m._meta.db_table) for m in (User, Seat, BookingPolicy, BookingRule))
    # The seat's own row with its floor, or only its id when the caller holds the seat.
    seat_select, seat_from, _width = sql_rows.joined(Seat, "floor" if read_seat else None)
    if not read_seat:
        seat_select = f"{s}.{q('id')}"
    select, joins = [f"{u}.{q('id')}", seat_select], ""
    order = ""
    if read_policy:
        select += [sql_rows.columns(BookingPolicy), sql_rows.columns(BookingRule)]
        joins += (
            f" LEFT OUTER JOIN {p} ON ({p}.{q('id')} = %s)"
            f" LEFT OUTER JOIN {r} ON ({p}.{q('id')} IS NOT NULL)"
        )
        order = " ORDER BY " + ", ".join(f"{r}.{q(c)} ASC" for c in RULE_ORDER)
    sql = (
        f"SELECT {', '.join(select)} FROM {u} CROSS JOIN {seat_from}{joins}"
        f" WHERE {u}.{q('id')} = %s AND {s}.{q('id')} = %s{order}"
    )
    if connection.features.has_select_for_update_of:
        sql += f" FOR UPDATE OF {u}, {s}"  # the member and the seat: never the floor or policy
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql


Policy = tuple[BookingPolicy, Overrides]


def _lock(*, user: User, seat: Seat | int) -> tuple[Seat, Policy | None]:
    """Lock the member then the seat, in one statement; check after this.

    Without the locks two transactions could both see "no overlap" (or both count two
    upcoming bookings of three) and both insert; on PostgreSQL the exclusion constraint would
    still refuse an overlap, but not the upcoming limit; on SQLite the IMMEDIATE transaction
    serializes them anyway. The checks run after the locks, so in READ COMMITTED they see
    every booking committed before the lock was granted. PostgreSQL takes a join's row locks
    in the order FOR UPDATE OF names the tables: the member, then the seat, as the two
    statements this replaced did (one order everywhere: no deadlocks; test:
    test_the_one_lock_statement_takes_the_member_before_the_seat).

    The same statement reads what the booking needs and the request does not hold yet: the
    seat with its floor when ``seat`` is an id (an unknown one is the booking's 400, as the
    serializer words it), and the policy with its rules when this request has not read them
    (returned, and kept for the rest of the request as policy_with_rules would).
    """
    # Written out: a primary-key read of each row and nothing else. Through the ORM the models'
    # default orderings once added a join (Seat orders by its floor) and FOR UPDATE then locked
    # the floor row too, serializing every booking on that floor; and compiling the queryset
    # per booking cost more than running it.
    alias = router.db_for_write(Reservation)
    read_seat, read_policy = not isinstance(seat, Seat), not policy_is_read()
    seat_pk = seat if isinstance(seat, int) else seat.pk
    params = [POLICY_PK] if read_policy else []
    cursor = sql_rows.cursor(alias)
    cursor.execute(
        _lock_sql(alias, read_seat=read_seat, read_policy=read_policy),
        [*params, user.pk, seat_pk],
    )
    fetched = cursor.fetchall()
    if not fetched:  # no such seat, or the member's account was deleted meanwhile
        if read_seat and not Seat.objects.filter(pk=seat_pk).exists():
            raise ValidationFailed.on("seat", msg.seat_does_not_exist(seat_pk))
        raise ValidationFailed.on("user", msg.ACCOUNT_INACTIVE)
    row = fetched[0]
    at = 1 + (sql_rows.joined(Seat, "floor")[2] if read_seat else 1)  # the policy's columns
    if read_seat:
        seat = sql_rows.joined_instance(Seat, "floor", row[1:at])
    if not read_policy or row[at] is None:  # read already, or not created yet (its first use)
        return cast(Seat, seat), None
    rule_at = at + sql_rows.joined(BookingPolicy, None)[2]
    policy = sql_rows.instance(BookingPolicy, row[at:rule_at])
    rules = [sql_rows.instance(BookingRule, r[rule_at:]) for r in fetched if r[rule_at] is not None]
    return cast(Seat, seat), remember_policy(policy, rules)


def lock_for_series(*, user: User, seat: Seat) -> None:
    """Take the booking locks once for a whole series (reservations.series_create), inside its
    transaction: each occurrence then skips its own lock statement."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_series needs the series' transaction")
    _lock(user=user, seat=seat)


def _check_bookable(*, user: User, seat: Seat, by: User) -> None:
    if not user.is_active:
        raise ValidationFailed.on("user", msg.ACCOUNT_INACTIVE)
    if not (by.is_staff or user.can_book):
        raise PermissionDenied(msg.AWAITING_VERIFICATION)
    if by != user and not by.is_staff:
        raise PermissionDenied()
    if not seat.is_active:
        raise ValidationFailed.on("seat", msg.SEAT_NOT_BOOKABLE)


def _held(series_ids: list[int | None], *, series: Series | None) -> int:
    """How many bookings count against the cap: single ones (``None``) each, a series once
    (docs/recurring-and-desk.md: a series is one commitment, else the default cap of 3 would
    allow a 3-day "series"); the occurrences of ``series``, the one being booked, not at all."""
    singles = sum(1 for pk in series_ids if pk is None)
    others = {pk for pk in series_ids if pk is not None and (series is None or pk != series.pk)}
    return singles + len(others)


def _check_upcoming_limit(
    *, user: User, seat: Seat, now: dt.datetime, series: Series | None = None
) -> None:
    """The cap alone, for the series preview (reservations.series); the booking path checks
    it inside _check_overlaps with the same counting, under the seat's effective rule."""
    rule = rule_for_seat(seat)
    upcoming = Reservation.objects.filter(user=user).live(now=now).upcoming(now=now)
    if rule.cap_kind:
        upcoming = upcoming.filter(seat__kind=rule.cap_kind)
    elif rule.cap_floor:
        upcoming = upcoming.filter(seat__floor_id=rule.cap_floor)
    if _held(list(upcoming.values_list("series_id", flat=True)), series=series) >= (
        rule.max_upcoming
    ):
        raise ValidationFailed.on(
            "non_field_errors",
            msg.too_many_upcoming(
                rule.max_upcoming, per_kind=bool(rule.cap_kind), per_floor=bool(rule.cap_floor)
            ),
        )


def _save_guarded(reservation: Reservation, *, fields: list[str] | None = None) -> None:
    """Save; a constraint violation (a race the lock did not see) becomes 409.

    No savepoint of its own (savepoint=False): the 409 leaves the caller's atomic block, which
    rolls back the whole booking anyway, so a SAVEPOINT/RELEASE pair per booking buys nothing.
    """
    try:
        with transaction.atomic(savepoint=False):
            if fields:
                reservation.save(update_fields=fields)
            else:  # a new row: the INSERT written once per process (bookit.rows)
                sql_rows.insert(reservation)
    except IntegrityError as exc:
        text = str(exc)
        if "reservation_seat_no_overlap" in text or "reservation_user_no_overlap" in text:
            kind = "seat" if "seat_no_overlap" in text else "member"
            reservation_conflict.send(
                Reservation, seat=reservation.seat, user=reservation.user, kind=kind
            )
            raise Conflict(
                msg.SEAT_ALREADY_BOOKED if kind == "seat" else msg.MEMBER_ALREADY_BOOKED,
                errors={"seat" if kind == "seat" else "start": [msg.OVERLAPS]},
            ) from None
        raise


def _late(start: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """A window chosen after it began has its check-in grace counted from ``now``."""
    return now if start < now else None


def _not_changeable() -> ValidationFailed:
    return ValidationFailed.on("non_field_errors", msg.NOT_CHANGEABLE)


@contextmanager
def _checked_booking(
    *,
    user: User,
    seat: Seat | int,
    start: dt.datetime,
    end: dt.datetime,
    by: User,
    now: dt.datetime,
    exclude_pk: int | None,
    series: Series | None = None,
    count_cap: bool | None = None,
    locked: bool = False,
) -> Iterator[Seat]:
    """Every rule for ``user`` holding ``seat`` over [start, end), then the body, in one
    transaction; yields the seat. The member and seat rows are locked first, by the statement
    that also reads the seat (when ``seat`` is its id) and the policy with its rules (when the
    request has not read them), then every rule is checked: the member may book, the seat is
    bookable, the window fits the seat's rule, then the overlaps, blocks and caps; the body
    writes while the locks are held. A refused booking holds the locks only until its
    rollback. ``exclude_pk``: the booking being moved (it neither conflicts with itself nor
    counts against the cap again). ``count_cap``: whether the cap is checked (default: on
    create only; a held seat being accepted is a new booking). ``locked``: the caller's
    transaction already holds the member and seat locks (a series)."""
    with transaction.atomic():
        read = None
        if not locked:
            seat, read = _lock(user=user, seat=seat)
        elif not isinstance(seat, Seat):
            raise TypeError("a series books a Seat it has read")
        policy, rules = read or policy_with_rules()  # every rule below reads this one copy
        rule = RuleBook(policy, rules).for_seat(seat)  # the seat's rule (policy + floor/kind rules)
        _check_bookable(user=user, seat=seat, by=by)
        validate_window(start=start, end=end, now=now, rule=rule)
        _check_overlaps(
            user=user,
            seat=seat,
            start=start,
            end=end,
            exclude_pk=exclude_pk,
            now=now,
            policy=policy,
            rule=rule,
            limit_upcoming=exclude_pk is None if count_cap is None else count_cap,
            series=series,
        )
        yield seat


def reservation_create(
    *,
    user: User,
    seat: Seat | int,
    start: dt.datetime,
    end: dt.datetime,
    by: User | None = None,
    series: Series | None = None,
) -> Reservation:
    """Book ``seat`` for ``user``. ``by`` is the acting user (staff may book for anyone);
    ``series``: the recurring booking this is an occurrence of (reservations.series), whose
    transaction took the member and seat locks once for all its occurrences (lock_for_series).
    ``seat`` may be an id (the booking POST): the seat is then read by the lock statement,
    and an unknown id is a 400 on "seat"."""
    by = by or user
    now = timezone.now()
    with _checked_booking(
        user=user,
        seat=seat,
        start=start,
        end=end,
        by=by,
        now=now,
        exclude_pk=None,
        series=series,
        locked=series is not None,
    ) as seat:
        reservation = Reservation(
            user=user,
            seat=seat,
            start=start,
            end=end,
            created_by=by,
            created_at=now,
            series=series,
            late_booked_at=_late(start, now),
        )
        _save_guarded(reservation)
        reservation_changed.send(Reservation, reservation=reservation, action="created", by=by)
    return reservation


def reservation_update(
    *,
    reservation: Reservation,
    by: User,
    seat: Seat | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Reservation:
    """Change seat and/or time; every rule is checked again for the new values."""
    _check_owner(reservation, by)
    # An anonymised booking of a deleted account (user None) cannot move either.
    if reservation.status != Status.BOOKED or reservation.user is None:
        raise _not_changeable()
    seat = seat or reservation.seat
    start = start or reservation.start
    end = end or reservation.end
    now = timezone.now()
    with _checked_booking(
        user=reservation.user,
        seat=seat,
        start=start,
        end=end,
        by=by,
        now=now,
        exclude_pk=reservation.pk,
    ):
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != Status.BOOKED:
            raise _not_changeable()
        if start != locked.start:
            locked.reminded_at = None  # a moved booking gets its reminder again
        locked.seat, locked.start, locked.end = seat, start, end
        locked.sequence += 1  # the member's calendar replaces the event it holds
        locked.late_booked_at = _late(start, now)
        _save_guarded(
            locked, fields=["seat", "start", "end", "reminded_at", "sequence", "late_booked_at"]
        )
        reservation_changed.send(Reservation, reservation=locked, action="updated", by=by)
    reservation.refresh_from_db()
    return reservation


# --- Waitlist holds (reservations.waitlist) -----------------------------------------------


def hold_create(
    *, user: User, seat: Seat, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> Reservation:
    """Hold ``seat`` over [start, end) for ``user``, who was offered it from the waitlist.

    Every rule of a booking by ``user`` is checked (a hold the member could not accept would
    only keep the seat from others). The row is in status "held" with no member: the seat's
    exclusion constraint (and the overlap check above) keeps everyone else out of it, while
    it is nobody's booking yet. No booking event is sent.
    """
    with _checked_booking(
        user=user, seat=seat, start=start, end=end, by=user, now=now, exclude_pk=None
    ):
        hold = Reservation(
            user=None,
            seat=seat,
            start=start,
            end=end,
            status=Status.HELD,
            created_by=user,
            created_at=now,
        )
        _save_guarded(hold)
    return hold


def hold_accept(
    *, hold: Reservation, user: User, start: dt.datetime, now: dt.datetime
) -> Reservation:
    """Turn the held row into ``user``'s booking from ``start``, every rule checked again
    (the cap included: it is a new booking). Call inside the waitlist's transaction, with
    the hold locked."""
    with _checked_booking(
        user=user,
        seat=hold.seat,
        start=start,
        end=hold.end,
        by=user,
        now=now,
        exclude_pk=hold.pk,
        count_cap=True,
    ):
        hold.user, hold.created_by, hold.created_at = user, user, now
        hold.start, hold.status = start, Status.BOOKED
        _save_guarded(hold, fields=["user", "created_by", "created_at", "start", "status"])
        reservation_changed.send(Reservation, reservation=hold, action="created", by=user)
    return hold


def hold_release(*, hold_pk: int | None) -> tuple[int, dt.datetime, dt.datetime] | None:
    """Delete a held row (offer declined, expired or withdrawn): the seat is free again.
    Returns (seat id, start, end) of what was freed, or None when there was no hold."""
    if hold_pk is None:
        return None
    hold = Reservation.objects.filter(pk=hold_pk, status=Status.HELD).first()
    if hold is None:
        return None
    hold.delete()
    return hold.seat_id, hold.start, hold.end


def reservation_cancel(
    *,
    reservation: Reservation,
    by: User,
    reason: str = "",
    ends_at: dt.datetime | None = None,
) -> Reservation:
    """Cancel until the reservation ends. In progress: it ends now and frees the rest.

    ``reason`` (staff, e.g. a seat block) travels with the event so the member is told why;
    ``ends_at`` (a block starting later) lets a checked-in member stay until then.
    """
    _check_owner(reservation, by)
    now = timezone.now()
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status not in (Status.BOOKED, Status.CHECKED_IN) or locked.end <= now:
            raise ValidationFailed.on("non_field_errors", msg.NOT_CANCELLABLE)
        locked.cancelled_at = now
        locked.sequence += 1
        if locked.status == Status.CHECKED_IN:
            # The member used the seat until now: keep that as history, free the rest.
            until = max(now, ends_at or now)
            locked.end = min(locked.end, max(until, locked.start + dt.timedelta(seconds=1)))
            fields = ["end", "cancelled_at", "sequence"]
        else:
            locked.status = Status.CANCELLED
            fields = ["status", "cancelled_at", "sequence"]
        locked.save(update_fields=fields)
        reservation_changed.send(
            Reservation, reservation=locked, action="cancelled", by=by, reason=reason
        )
    reservation.refresh_from_db()
    return reservation


UNDO_WINDOW = dt.timedelta(minutes=10)  # how long "Undo" stays offered after a cancellation


def reservation_restore(*, reservation: Reservation, by: User) -> Reservation:
    """Undo a member's own cancellation, shortly after it, when the seat is still free.

    Every rule of a new booking holds again (the window not over, the seat and the member free,
    the cap), so an undo can never double-book; a booking restored after its start gets its
    check-in grace from now, like any late booking.
    """
    _check_owner(reservation, by)
    user = reservation.user
    now = timezone.now()
    if (
        user is None
        or reservation.status != Status.CANCELLED
        or reservation.cancelled_at is None
        or reservation.cancelled_at < now - UNDO_WINDOW
        or reservation.end <= now
    ):
        raise ValidationFailed.on("non_field_errors", msg.CANNOT_UNDO)
    with transaction.atomic():
        seat, read = _lock(user=user, seat=reservation.seat)
        policy, rules = read or policy_with_rules()
        rule = RuleBook(policy, rules).for_seat(seat)
        _check_bookable(user=user, seat=seat, by=by)
        # As a new booking (the cancelled row is not live, so it neither clashes nor counts).
        _check_overlaps(
            user=user,
            seat=seat,
            start=reservation.start,
            end=reservation.end,
            exclude_pk=None,
            now=now,
            policy=policy,
            rule=rule,
            limit_upcoming=True,
        )
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != Status.CANCELLED:
            raise ValidationFailed.on("non_field_errors", msg.CANNOT_UNDO)
        locked.status, locked.cancelled_at = Status.BOOKED, None
        locked.late_booked_at = _late(locked.start, now)
        locked.sequence += 1  # calendars that took the cancellation take the event back
        _save_guarded(locked, fields=["status", "cancelled_at", "late_booked_at", "sequence"])
        reservation_changed.send(Reservation, reservation=locked, action="restored", by=by)
    reservation.refresh_from_db()
    return reservation


def reservations_cancel_future_for_user(*, user: User) -> int:
    """Cancel every live reservation of ``user`` that has not ended (account deletion)."""
    now = timezone.now()
    count = 0
    for reservation in Reservation.objects.filter(user=user, status__in=LIVE_STATUSES, end__gt=now):
        reservation_cancel(reservation=reservation, by=user)
        count += 1
    return count


def _check_owner(reservation: Reservation, by: User) -> None:
    if not by.is_staff and reservation.user_id != by.pk:
        raise NotFound()


# Checks the series preview (reservations.series) runs before booking anything: the same rules.
check_can_book = _check_bookable
check_upcoming_limit = _check_upcoming_limit


# --- QR check-in ---------------------------------------------------------------------------


def checkin_token(reservation: Reservation) -> str:
    """A signed token for the QR code: proves the code came from us; not a guessable id."""
    return signing.dumps({"r": reservation.pk}, salt=CHECKIN_SALT)


def checkin_reservation_id(token: str) -> int:
    """The reservation id inside a scanned code: the bare token or the check-in URL."""
    token = token.strip()
    if "token=" in token:
        token = token.split("token=", 1)[1].split("&", 1)[0]
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
        return int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationFailed.on("token", msg.QR_INVALID) from None


def reservation_check_in(
    *,
    reservation: Reservation,
    by: User,
    now: dt.datetime | None = None,
    at_desk: bool = False,
) -> tuple[Reservation, bool]:
    """Check in; returns (reservation, changed). A second scan changes nothing.

    Staff check anyone in; ``at_desk``: a member checks in their own booking by scanning the
    seat's code at the desk (reservations.desk), which proves they are there.
    """
    if not (by.is_staff or (at_desk and reservation.user_id == by.pk)):
        raise PermissionDenied()
    policy = get_policy()
    now = now or timezone.now()
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status == Status.CHECKED_IN:
            return locked, False
        if locked.status != Status.BOOKED:
            raise ValidationFailed.on("token", msg.not_checkable(locked.get_status_display()))
        if now < locked.start - policy.checkin_early:
            raise ValidationFailed.on("token", msg.checkin_not_open(policy.checkin_early_minutes))
        if now > locked.checkin_from + policy.checkin_grace:
            raise ValidationFailed.on("token", msg.CHECKIN_CLOSED)
        locked.status = Status.CHECKED_IN
        locked.checked_in_at = now
        locked.save(update_fields=["status", "checked_in_at"])
        reservation_changed.send(Reservation, reservation=locked, action="checked_in", by=by)
    return locked, True


def reservation_check_in_by_token(
    *, token: str, by: User, reservation_id: int | None = None
) -> tuple[Reservation, bool]:
    pk = checkin_reservation_id(token)
    if reservation_id is not None and pk != reservation_id:
        raise ValidationFailed.on("token", msg.QR_OTHER_BOOKING)
    reservation = Reservation.objects.select_related("seat", "user").filter(pk=pk).first()
    if reservation is None:
        raise ValidationFailed.on("token", msg.QR_INVALID)
    return reservation_check_in(reservation=reservation, by=by)


# --- No-shows ------------------------------------------------------------------------------


def release_no_shows(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Mark booked reservations past their check-in grace as no-shows.

    Idempotent and safe to run from several processes: rows are claimed with SKIP LOCKED on
    PostgreSQL (and under the IMMEDIATE write lock on SQLite), so each is processed once.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            claimed = Reservation.objects.select_for_update(skip_locked=True)
            rows = list(_stale(claimed, now=now).order_by("start")[:batch])
            total += _mark_no_shows(rows)
        if len(rows) < batch:
            return total
