"""Usage statistics for staff: occupancy, busiest and idle seats, no-shows, tickets.

Definitions (the page and the CSV say the same):
- the period is a range of whole local days [start, end] in the coworking's time zone;
- available seat-hours = seats in scope x opening hours of each day; seats in scope are the active
  seats (of the chosen floor) plus any seat that was booked in the period, so a seat deactivated
  since still counts for the time it was used;
- booked seat-hours = the parts of live reservations (booked or checked in) that fall inside the
  opening hours of the period; cancelled and no-show reservations free their seat, so they do not
  count;
- no-show rate = no-shows / (check-ins + no-shows) among reservations that started in the period
  (bookings still waiting for check-in are not decided yet);
- bookings per member counts reservations that started in the period, cancelled ones excluded;
- tickets: created in the period (on the chosen floor's seats when a floor is chosen); the median
  time to resolve is over those that are resolved.

Queries are constant: seats, reservations of the period (one query, aggregated in Python), the
member count and tickets.
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from bookit.errors import ValidationFailed
from bookit.params import collect_errors, date_param, int_param
from reservations.models import LIVE_STATUSES, BookingPolicy, Reservation
from reservations.policy import get_policy
from seats.models import Floor, Seat
from tickets.models import Ticket

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP_SEATS = 5
MEMBER_BUCKETS = [(0, 0), (1, 1), (2, 2), (3, 5), (6, 10), (11, 20), (21, None)]


@dataclass(frozen=True)
class StatsFilters:
    start: dt.date
    end: dt.date
    floor: Floor | None = None

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class SeatUsage:
    seat_id: int
    label: str
    floor: str
    hours: float
    occupancy: float


@dataclass
class StatsReport:
    filters: StatsFilters
    opening_hours: float
    seats_in_scope: int
    # [(date, booked seat-hours, available seat-hours, ratio)]
    by_day: list[tuple[dt.date, float, float, float]]
    # 7 rows (Monday first) x 24 hours; None where the coworking is closed.
    heatmap: list[list[float | None]]
    seats: list[SeatUsage]
    busiest: list[SeatUsage]
    idle: list[SeatUsage]
    reservations: int
    checked_in: int
    no_shows: int
    cancelled: int
    no_show_rate: float | None
    booked_hours: float
    available_hours: float
    # [(bucket label, members)]
    bookings_per_member: list[tuple[str, int]]
    tickets_by_status: dict[str, int] = field(default_factory=dict)
    median_resolve_hours: float | None = None

    @property
    def occupancy(self) -> float:
        return self.booked_hours / self.available_hours if self.available_hours else 0.0


def parse_filters(params: Mapping[str, str], *, today: dt.date) -> StatsFilters:
    """?start=YYYY-MM-DD&end=YYYY-MM-DD&floor=ID; defaults: the last 30 days, every floor."""
    (start, end, floor_id), errors = collect_errors(
        lambda: date_param(params, "start"),
        lambda: date_param(params, "end"),
        lambda: int_param(params, "floor"),
    )
    floor = None
    if floor_id is not None:
        floor = Floor.objects.filter(pk=floor_id).first()
        if floor is None:
            errors["floor"] = [_("Unknown floor.")]
    if errors:
        raise ValidationFailed(_("Check the period and the floor."), errors=errors)
    end = end or (start + dt.timedelta(days=DEFAULT_DAYS - 1) if start else today)
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ValidationFailed(
            _("The end must not be before the start."),
            errors={"end": [_("The end must not be before the start.")]},
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            _("Choose at most %(n)d days.") % {"n": MAX_DAYS},
            errors={"end": [_("Choose at most %(n)d days.") % {"n": MAX_DAYS}]},
        )
    return StatsFilters(start=start, end=end, floor=floor)


def _opening_window(day: dt.date, policy: BookingPolicy) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(day, policy.opens_at, policy.tz),
        dt.datetime.combine(day, policy.closes_at, policy.tz),
    )


def _minutes(start: dt.datetime, end: dt.datetime) -> float:
    """Elapsed minutes. Subtracting two datetimes of the same zone gives wall-clock time, which
    is wrong across a DST change; timestamps are not."""
    return (end.timestamp() - start.timestamp()) / 60


def _hour_chunks(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[int, int, float]]:
    """Split a local interval at hour boundaries: (weekday, hour, minutes) pieces."""
    cursor = start
    while cursor < end:
        boundary = cursor.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        piece_end = min(boundary, end)
        yield cursor.weekday(), cursor.hour, _minutes(cursor, piece_end)
        cursor = piece_end


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}–{high}"


def stats_report(filters: StatsFilters) -> StatsReport:
    policy = get_policy()
    tz = policy.tz
    days = filters.days
    period_start = dt.datetime.combine(filters.start, dt.time(0), tz)
    period_end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time(0), tz)

    # Waitlist holds (status "held") are nobody's booking: not counted, not occupancy.
    reservations = Reservation.objects.filter(start__lt=period_end, end__gt=period_start).exclude(
        status=Reservation.Status.HELD
    )
    seats = Seat.objects.all()
    if filters.floor is not None:
        reservations = reservations.filter(seat__floor=filters.floor)
        seats = seats.filter(floor=filters.floor)
    rows = list(reservations.values_list("seat_id", "user_id", "start", "end", "status").order_by())
    used_seat_ids = {row[0] for row in rows}
    seat_rows = list(
        seats.filter(Q(is_active=True) | Q(pk__in=used_seat_ids))
        .values_list("id", "label", "floor__name")
        .order_by("floor__ordering", "floor_id", "label")
    )

    opens, closes = _opening_window(filters.start, policy)
    opening_hours = _minutes(opens, closes) / 60
    seat_count = len(seat_rows)

    day_minutes: dict[dt.date, float] = defaultdict(float)
    seat_minutes: dict[int, float] = defaultdict(float)
    cell_minutes: dict[tuple[int, int], float] = defaultdict(float)
    status_counts: Counter[str] = Counter()
    member_bookings: Counter[int] = Counter()
    for seat_id, user_id, start, end, status in rows:
        if period_start <= start < period_end:
            status_counts[status] += 1
            if status != Reservation.Status.CANCELLED and user_id is not None:
                member_bookings[user_id] += 1
        if status not in LIVE_STATUSES:
            continue
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        # A reservation lies within one day's opening hours, but clip anyway: policy edits
        # and staff bookings may leave older rows outside today's hours.
        day = max(local_start.date(), filters.start)
        while day <= min(local_end.date(), filters.end):
            day_open, day_close = _opening_window(day, policy)
            piece_start, piece_end = max(local_start, day_open), min(local_end, day_close)
            if piece_end > piece_start:
                minutes = _minutes(piece_start, piece_end)
                day_minutes[day] += minutes
                seat_minutes[seat_id] += minutes
                for weekday, hour, chunk in _hour_chunks(piece_start, piece_end):
                    cell_minutes[(weekday, hour)] += chunk
            day += dt.timedelta(days=1)

    by_day = []
    for day in days:
        available = seat_count * opening_hours
        booked = day_minutes.get(day, 0.0) / 60
        by_day.append((day, booked, available, booked / available if available else 0.0))

    # Available minutes per (weekday, hour) cell over the whole period.
    open_minutes: dict[tuple[int, int], float] = defaultdict(float)
    for day in days:
        day_open, day_close = _opening_window(day, policy)
        for weekday, hour, chunk in _hour_chunks(day_open, day_close):
            open_minutes[(weekday, hour)] += chunk * seat_count
    heatmap: list[list[float | None]] = [
        [
            cell_minutes.get((w, h), 0.0) / open_minutes[(w, h)]
            if open_minutes.get((w, h))
            else None
            for h in range(24)
        ]
        for w in range(7)
    ]

    seat_available_hours = opening_hours * len(days)
    usages = [
        SeatUsage(
            seat_id=seat_id,
            label=label,
            floor=floor_name,
            hours=seat_minutes.get(seat_id, 0.0) / 60,
            occupancy=(seat_minutes.get(seat_id, 0.0) / 60) / seat_available_hours
            if seat_available_hours
            else 0.0,
        )
        for seat_id, label, floor_name in seat_rows
    ]
    # sorted() is stable: ties keep the floor/label order of seat_rows.
    busiest = [u for u in sorted(usages, key=lambda u: -u.hours) if u.hours > 0][:TOP_SEATS]
    idle = sorted(usages, key=lambda u: u.hours)[:TOP_SEATS]

    checked_in = status_counts[Reservation.Status.CHECKED_IN]
    no_shows = status_counts[Reservation.Status.NO_SHOW]
    decided = checked_in + no_shows
    members = User.objects.filter(is_active=True, is_verified=True, is_staff=False).count()
    distribution = Counter(member_bookings.values())
    zero = max(0, members - len(member_bookings))
    buckets = []
    for low, high in MEMBER_BUCKETS:
        if low == 0:
            count = zero
        else:
            count = sum(
                n for k, n in distribution.items() if k >= low and (high is None or k <= high)
            )
        buckets.append((_bucket_label(low, high), count))

    tickets_by_status, median_hours = _ticket_stats(filters, period_start, period_end)
    return StatsReport(
        filters=filters,
        opening_hours=opening_hours,
        seats_in_scope=seat_count,
        by_day=by_day,
        heatmap=heatmap,
        seats=usages,
        busiest=busiest,
        idle=idle,
        reservations=sum(status_counts.values()),
        checked_in=checked_in,
        no_shows=no_shows,
        cancelled=status_counts[Reservation.Status.CANCELLED],
        no_show_rate=no_shows / decided if decided else None,
        booked_hours=sum(day_minutes.values()) / 60,
        available_hours=seat_count * opening_hours * len(days),
        bookings_per_member=buckets,
        tickets_by_status=tickets_by_status,
        median_resolve_hours=median_hours,
    )


def _ticket_stats(
    filters: StatsFilters, period_start: dt.datetime, period_end: dt.datetime
) -> tuple[dict[str, int], float | None]:
    tickets = Ticket.objects.filter(created_at__gte=period_start, created_at__lt=period_end)
    if filters.floor is not None:
        tickets = tickets.filter(seat__floor=filters.floor)
    counts = dict.fromkeys(Ticket.Status.values, 0)
    durations = []
    for status, created_at, resolved_at in tickets.values_list(
        "status", "created_at", "resolved_at"
    ).order_by():
        counts[status] = counts.get(status, 0) + 1
        if status == Ticket.Status.RESOLVED and resolved_at is not None:
            durations.append((resolved_at - created_at).total_seconds() / 3600)
    return counts, statistics.median(durations) if durations else None


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def report_as_dict(report: StatsReport) -> dict:
    """The report as plain JSON-able data (the API answer); ratios are 0..1, hours are hours."""

    def seat(u: SeatUsage) -> dict:
        return {
            "seat": u.seat_id,
            "label": u.label,
            "floor": u.floor,
            "hours": round(u.hours, 2),
            "occupancy": round(u.occupancy, 4),
        }

    f = report.filters
    return {
        "period": {"start": f.start.isoformat(), "end": f.end.isoformat()},
        "floor": f.floor.pk if f.floor else None,
        "seats": report.seats_in_scope,
        "opening_hours_per_day": report.opening_hours,
        "occupancy": round(report.occupancy, 4),
        "booked_hours": round(report.booked_hours, 2),
        "available_hours": round(report.available_hours, 2),
        "occupancy_by_day": [
            {
                "date": day.isoformat(),
                "booked_hours": round(booked, 2),
                "available_hours": round(available, 2),
                "occupancy": round(ratio, 4),
            }
            for day, booked, available, ratio in report.by_day
        ],
        "occupancy_by_hour_of_week": {
            WEEKDAYS[w]: [None if v is None else round(v, 4) for v in row]
            for w, row in enumerate(report.heatmap)
        },
        "busiest_seats": [seat(u) for u in report.busiest],
        "idle_seats": [seat(u) for u in report.idle],
        "reservations": report.reservations,
        "checked_in": report.checked_in,
        "no_shows": report.no_shows,
        "cancelled": report.cancelled,
        "no_show_rate": None if report.no_show_rate is None else round(report.no_show_rate, 4),
        "bookings_per_member": [
            {"bookings": label, "members": n} for label, n in report.bookings_per_member
        ],
        "tickets_by_status": report.tickets_by_status,
        "median_resolve_hours": None
        if report.median_resolve_hours is None
        else round(report.median_resolve_hours, 2),
    }
