"""Read rules: availability of seats in a window, a member's reservations. Constant queries.

Seat-only reads (filters, natural label order, floors with seats) are in seats.selectors."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookit import rows as sql_rows
from bookit.errors import ValidationFailed
from reservations.models import (
    LIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    BookingPolicy,
    Reservation,
    SeatBlock,
)
from reservations.policy import EffectiveRule, RuleBook, get_policy
from reservations.services import validate_window
from seats.models import Seat
from seats.selectors import SeatRow


@dataclass(frozen=True)
class Holder:
    """Who holds a busy seat, given only for a member who opted in (User.show_on_map)."""

    first_name: str
    avatar: str  # the stored avatar's file name, "" for the default picture


# A Seat (bot, waitlist) or the light SeatRow of the two hottest reads (API, map page).
AnySeat = TypeVar("AnySeat", Seat, SeatRow)


@dataclass(slots=True)
class SeatState(Generic[AnySeat]):
    seat: AnySeat
    available: bool
    mine: bool
    busy_until: dt.datetime | None
    # The maintenance block over the window, if any (the seat cannot be booked then).
    block: SeatBlock | None = None
    # Why the seat's own booking rules refuse this window (e.g. meeting rooms at most 2 h).
    rule_error: str | None = None
    # The one member holding the seat in the window, when they opted in to be shown.
    holder: Holder | None = None

    @property
    def state(self) -> str:
        if not self.seat.is_active:
            return "inactive"
        if self.block is not None:
            return "blocked"
        if self.mine:
            return "mine"
        if self.rule_error:
            return "restricted"
        return "free" if self.available else "busy"

    @property
    def reason(self) -> str | None:
        return self.block.reason if self.block is not None else self.rule_error


# The window's live reservations (Reservation.objects.live().overlapping()), with each
# holder's three columns, written once as SQL: availability runs it
# on every map view and poll, and compiling the queryset cost more than running it (issue 15).
# On PostgreSQL the overlap is also spelled as the exclusion constraints' GiST expression and
# the status list as their partial predicate, so the planner can range-scan those indexes.
WINDOW_SQL = """
SELECT r.seat_id, r.user_id, r."end", u.first_name, u.show_on_map, u.avatar
FROM reservations_reservation r LEFT JOIN accounts_user u ON u.id = r.user_id
WHERE r.status IN ('booked', 'checked_in', 'held')
  AND (r.status IN ('checked_in', 'held') OR r.start > %s OR r.late_booked_at > %s)
  AND r.start < %s AND r."end" > %s
"""
WINDOW_SQL_POSTGRESQL = (
    WINDOW_SQL + """  AND tstzrange(r.start, r."end", '[)') && tstzrange(%s, %s, '[)')\n"""
)
assert set(SEAT_HOLDING_STATUSES) == {"booked", "checked_in", "held"}  # spelled out above


def window_sql(
    *, start: dt.datetime, end: dt.datetime, cut: dt.datetime
) -> tuple[str, list[dt.datetime]]:
    """The statement of ``window_rows()`` and its parameters (for it and for EXPLAIN)."""
    params = sql_rows.db_datetimes(connection.alias, cut, cut, end, start)
    if connection.vendor == "postgresql":
        return WINDOW_SQL_POSTGRESQL, [*params, start, end]
    return WINDOW_SQL, params


def window_rows(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> list[tuple]:
    """(seat_id, user_id, end, first_name, show_on_map, avatar) of every live reservation
    overlapping [start, end): ``Reservation.objects.live().overlapping()``'s rows, one
    statement, no model. A window reads a hundred datetimes: the statement cursor reads them
    with psycopg's C loader (bookit.rows.fast_datetimes)."""
    cut = (now or timezone.now()) - (policy or get_policy()).checkin_grace
    sql, params = window_sql(start=start, end=end, cut=cut)
    cursor = sql_rows.cursor(connection.alias)
    cursor.execute(sql, params)
    fetched = cursor.fetchall()
    if connection.vendor == "postgresql":
        return fetched
    read = sql_rows.datetime_reader(connection.alias)  # SQLite: naive UTC, made aware
    return [(a, b, read(e), *rest) for a, b, e, *rest in fetched]


def seat_availability(
    *,
    seats: Sequence[AnySeat],
    start: dt.datetime,
    end: dt.datetime,
    user: User | None = None,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> list[SeatState[AnySeat]]:
    """Each seat with whether it can be booked for the whole of [start, end): not taken, not
    blocked, and allowed by the seat's effective rule.

    A fixed number of queries: the live reservations of the window, the blocks, and the policy
    and its overrides (memoized once per request). The reservations query reads the window on
    every seat, not ``seat_id IN (...)``: a window holds at most a few rows per seat, and an IN
    list of every seat id costs more to compile and send than those rows. No ORDER BY (the
    default one would sort for nothing) and tuples, not model instances.
    """
    busy_until: dict[int, dt.datetime] = {}
    mine: set[int] = set()
    # The holder's three columns come with the same statement (a join, not a query per seat).
    taken = window_rows(start=start, end=end, now=now, policy=policy)
    user_pk = user.pk if user is not None else None
    holders: dict[int, tuple[int | None, Holder | None]] = {}
    for seat_id, user_id, ends, first_name, shown, avatar in taken:
        if seat_id not in busy_until or ends > busy_until[seat_id]:
            busy_until[seat_id] = ends
        if user_id is not None and user_id == user_pk:
            mine.add(seat_id)
        holder = Holder(first_name, avatar or "") if shown and first_name else None
        if seat_id not in holders:
            holders[seat_id] = (user_id, holder)
        elif holders[seat_id][0] != user_id:  # two members in the window: name neither
            holders[seat_id] = (None, None)
    blocks = _blocks_by_seat(seats=seats, start=start, end=end)
    rule_for = RuleBook(policy).for_seat
    # A seat's rule depends on its floor and kind only (RuleBook.for_seat): one check of the
    # window per pair, looked up by that pair (hashing the rule itself costs more).
    rule_errors: dict[tuple[int, str], str | None] = {}
    states = []
    for seat in seats:
        pk = seat.id  # the attribute itself: .pk is a property lookup, 200 times a request
        key = (seat.floor_id, seat.kind)
        if key not in rule_errors:
            rule_errors[key] = _rule_error(rule=rule_for(seat), start=start, end=end, now=now)
        rule_error = rule_errors[key]
        block = blocks.get(pk)
        until = busy_until.get(pk)
        states.append(
            SeatState(
                seat,
                seat.is_active and until is None and block is None and rule_error is None,
                pk in mine,
                until,
                block,
                rule_error,
                holders[pk][1] if pk in holders else None,
            )
        )
    return states


# SeatBlock.objects.overlapping(start=, end=) on the seats of some floors or the floors
# themselves, first block first; as SQL for the same reason as WINDOW_SQL.
BLOCKS_SQL = """
SELECT {columns} FROM reservations_seatblock
LEFT JOIN seats_seat s ON s.id = reservations_seatblock.seat_id
WHERE reservations_seatblock.start < %s AND reservations_seatblock."end" > %s
  AND (s.floor_id IN ({floors}) OR reservations_seatblock.floor_id IN ({floors}))
ORDER BY reservations_seatblock.start, reservations_seatblock.id
"""


def _blocks_by_seat(
    *, seats: Sequence[AnySeat], start: dt.datetime, end: dt.datetime
) -> dict[int, SeatBlock]:
    """The first block over [start, end) of each seat (its own or its floor's); one query.

    Selected by floor, not ``seat_id IN (...)``: a window holds a handful of blocks, and an IN
    list of every seat id cost more to build, bind and send than the whole read (issue 15).
    Usually there is none; the few there are become SeatBlock instances (bookit.rows)."""
    floor_ids: list[int] = sorted({s.floor_id for s in seats})
    if not floor_ids:
        return {}
    marks = ", ".join(["%s"] * len(floor_ids))
    sql = BLOCKS_SQL.format(columns=sql_rows.columns(SeatBlock), floors=marks)
    cursor = sql_rows.cursor(connection.alias)
    cursor.execute(
        sql, [*sql_rows.db_datetimes(connection.alias, end, start), *floor_ids, *floor_ids]
    )
    fetched = cursor.fetchall()
    if not fetched:
        return {}
    by_seat: dict[int, SeatBlock] = {}
    by_floor: dict[int, SeatBlock] = {}
    for row in fetched:
        block = sql_rows.instance(SeatBlock, row)
        if block.seat_id:
            by_seat.setdefault(block.seat_id, block)
        elif block.floor_id:
            by_floor.setdefault(block.floor_id, block)
    return {
        s.id: by_seat[s.id] if s.id in by_seat else by_floor[s.floor_id]
        for s in seats
        if s.id in by_seat or s.floor_id in by_floor
    }


def _rule_error(
    *, rule: EffectiveRule, start: dt.datetime, end: dt.datetime, now: dt.datetime | None
) -> str | None:
    try:
        validate_window(start=start, end=end, now=now, rule=rule)
    except ValidationFailed as exc:
        return str(exc.message)
    return None


def reservations_for_user(
    *,
    user: User,
    status: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Reservation]:
    qs = Reservation.objects.filter(user=user).select_related("seat__floor")
    return _filter_reservations(qs, status=status, start=start, end=end)


def reservations_for_staff(
    *,
    seat: int | None = None,
    user: int | None = None,
    status: str | None = None,
    floor: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Reservation]:
    qs = Reservation.objects.select_related("seat__floor", "user")
    if seat:
        qs = qs.filter(seat_id=seat)
    if user:
        qs = qs.filter(user_id=user)
    if floor:
        qs = qs.filter(seat__floor_id=floor)
    return _filter_reservations(qs, status=status, start=start, end=end)


def _filter_reservations(
    qs: QuerySet[Reservation],
    *,
    status: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> QuerySet[Reservation]:
    if status:
        qs = qs.filter(status__in=status.split(","))
    if start:
        qs = qs.filter(end__gt=start)
    if end:
        qs = qs.filter(start__lt=end)
    return qs.order_by("start", "id")


def seat_day_reservations(*, seat: Seat, day: dt.date) -> list[Reservation]:
    policy = get_policy()
    day_start = dt.datetime.combine(day, dt.time(0, 0), policy.tz)
    day_end = day_start + dt.timedelta(days=1)
    return list(
        Reservation.objects.live()
        .overlapping(start=day_start, end=day_end)
        .filter(seat=seat)
        .order_by("start")
    )


def upcoming_split(
    *, user: User, now: dt.datetime | None = None
) -> tuple[list[Reservation], list[Reservation]]:
    """(upcoming, past) reservations of a member for the "my bookings" page; one query."""
    now = now or timezone.now()
    rows = list(
        Reservation.objects.filter(user=user).select_related("seat__floor").order_by("start", "id")
    )
    upcoming: list[Reservation] = []
    past: list[Reservation] = []
    for r in rows:
        (upcoming if r.end > now and r.is_live else past).append(r)
    past.reverse()
    return upcoming, past


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0, 0), tz)
    return start, start + dt.timedelta(days=1)


def colleagues(*, search: str, day: dt.date, viewer: User) -> list[tuple[User, list[Reservation]]]:
    """Members who opted in to be shown (User.show_on_map) and match ``search`` (first or
    last name, or empty: everyone who books that day), each with the day's live bookings.

    Two queries: the members, then their bookings. Nobody who did not opt in is ever listed,
    and only the day's live bookings are: never a past week or a cancelled seat.
    """
    tz = get_policy().tz
    day_start, day_end = _day_bounds(day, tz)
    members = User.objects.filter(is_active=True, show_on_map=True).exclude(pk=viewer.pk)
    terms = search.split()
    for term in terms:
        members = members.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term))
    booked = Reservation.objects.live().overlapping(start=day_start, end=day_end)
    if not terms:
        members = members.filter(pk__in=booked.values("user_id"))
    found = list(members.order_by("first_name", "last_name", "id")[:COLLEAGUES_SHOWN])
    bookings: dict[int, list[Reservation]] = {m.pk: [] for m in found}
    day_rows = booked.filter(user_id__in=list(bookings)).select_related("seat__floor")
    for r in day_rows.order_by("start", "id"):
        bookings[r.user_id].append(r)
    return [(m, bookings[m.pk]) for m in found]


COLLEAGUES_SHOWN = 50  # a name search, not a directory: the first fifty matches


# The member's own live rows of the period, counted per seat (the index on user_id, not the
# whole table), and their favourites; a favourite first, then the most booked, then the id.
USUAL_SQL = """
SELECT s.id FROM seats_seat s
LEFT JOIN (SELECT seat_id, COUNT(*) AS n FROM reservations_reservation
           WHERE user_id = %s AND start >= %s AND status IN ('booked', 'checked_in')
           GROUP BY seat_id) r ON r.seat_id = s.id
LEFT JOIN seats_favouriteseat fav ON fav.seat_id = s.id AND fav.user_id = %s
WHERE s.is_active AND (r.n > 0 OR fav.id IS NOT NULL)
ORDER BY CASE WHEN fav.id IS NULL THEN 1 ELSE 0 END, COALESCE(r.n, 0) DESC, s.id
LIMIT 1
"""
assert LIVE_STATUSES == ("booked", "checked_in")  # spelled out above


def usual_seat(*, user: User, now: dt.datetime | None = None) -> Seat | None:
    """The member's usual seat: a favourite first (the one they booked most), else the active
    seat they booked most in the last 90 days; None for a newcomer. One query.

    The count starts from the member's own rows: grouping every seat's reservations (a join
    of the whole table, as the annotated queryset did) cost the map page ~20 ms of PostgreSQL
    at 10^4 rows and grew with the history (issue 15)."""
    since = (now or timezone.now()) - dt.timedelta(days=USUAL_DAYS)
    params = [user.pk, *sql_rows.db_datetimes(connection.alias, since), user.pk]
    # The seat with its floor, as select_related("floor") reads it: the queryset around the
    # statement cost the map page more to compile than PostgreSQL spends running it.
    select, sql_from, _width = sql_rows.joined(Seat, "floor")
    seat_id = f"{connection.ops.quote_name(Seat._meta.db_table)}.{connection.ops.quote_name('id')}"
    cursor = sql_rows.cursor(connection.alias)
    cursor.execute(f"SELECT {select} FROM {sql_from} WHERE {seat_id} = ({USUAL_SQL})", params)
    fetched = cursor.fetchall()
    return sql_rows.joined_instance(Seat, "floor", fetched[0]) if fetched else None


USUAL_DAYS = 90
