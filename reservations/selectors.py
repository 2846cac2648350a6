"""Read rules: availability of seats in a window, a member's reservations. Constant queries.

Seat-only reads (filters, natural label order, floors with seats) are in seats.selectors."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from reservations.models import BookingPolicy, Reservation
from reservations.policy import get_policy
from seats.models import Seat


@dataclass
class SeatState:
    seat: Seat
    available: bool
    mine: bool
    busy_until: dt.datetime | None

    @property
    def state(self) -> str:
        if not self.seat.is_active:
            return "inactive"
        if self.mine:
            return "mine"
        return "free" if self.available else "busy"


def live_in_window(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> QuerySet[Reservation]:
    """Live reservations overlapping [start, end) on any seat, unordered (see overlapping())."""
    grace = (policy or get_policy()).checkin_grace
    return (
        Reservation.objects.live(now=now, grace=grace).overlapping(start=start, end=end).order_by()
    )


def seat_availability(
    *,
    seats: list[Seat],
    start: dt.datetime,
    end: dt.datetime,
    user: User | None = None,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> list[SeatState]:
    """Each seat with whether it is free for the whole of [start, end). One query.

    The query reads the live reservations of the window on every seat, not ``seat_id IN
    (...)``: a window holds at most a few rows per seat, and an IN list of every seat id costs
    more to compile and send than those rows. No ORDER BY (the default one would sort for
    nothing) and tuples, not model instances.
    """
    busy_until: dict[int, dt.datetime] = {}
    mine: set[int] = set()
    taken = live_in_window(start=start, end=end, now=now, policy=policy).values_list(
        "seat_id", "user_id", "end"
    )
    user_pk = user.pk if user is not None else None
    for seat_id, user_id, ends in taken:
        if seat_id not in busy_until or ends > busy_until[seat_id]:
            busy_until[seat_id] = ends
        if user_id is not None and user_id == user_pk:
            mine.add(seat_id)
    return [
        SeatState(
            seat=seat,
            available=seat.is_active and seat.pk not in busy_until,
            mine=seat.pk in mine,
            busy_until=busy_until.get(seat.pk),
        )
        for seat in seats
    ]


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
