"""The figures of the staff dashboard (the admin index) for one day. A fixed number of
queries whatever the size of the coworking: one per figure, the rest is arithmetic."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.utils import timezone

from accounts.models import User
from reservations.models import LIVE_STATUSES, Reservation
from reservations.policy import RuleBook, get_policy
from seats.models import Floor, Seat
from tickets.models import Ticket

Status = Reservation.Status


@dataclass
class FloorOccupancy:
    floor: Floor
    seats: int
    busy_now: int
    booked_minutes: int
    open_minutes: int

    @property
    def now_percent(self) -> int:
        return round(100 * self.busy_now / self.seats) if self.seats else 0

    @property
    def day_percent(self) -> int:
        capacity = self.seats * self.open_minutes
        return round(100 * self.booked_minutes / capacity) if capacity else 0


@dataclass
class Dashboard:
    day: dt.date
    day_start: dt.datetime
    day_end: dt.datetime
    pending: list[User]
    floors: list[FloorOccupancy]
    checked_in: list[Reservation]
    no_shows: list[Reservation]
    tickets: dict[str, int] = field(default_factory=dict)
    oldest_open: dt.datetime | None = None


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def dashboard(*, now: dt.datetime | None = None) -> Dashboard:
    policy = get_policy()
    now = now or timezone.now()
    day = timezone.localtime(now, policy.tz).date()
    day_start = dt.datetime.combine(day, dt.time(0, 0), policy.tz)
    day_end = day_start + dt.timedelta(days=1)
    rules = RuleBook()
    floor_hours: dict[int, tuple[dt.datetime, dt.datetime]] = {}

    def hours(floor_id: int) -> tuple[dt.datetime, dt.datetime]:
        """Today's opening hours of a floor (its own rule, else the policy); once per floor."""
        if floor_id not in floor_hours:
            rule = rules.for_floor(floor_id)
            floor_hours[floor_id] = (
                dt.datetime.combine(day, rule.opens_at, policy.tz),
                dt.datetime.combine(day, rule.closes_at, policy.tz),
            )
        return floor_hours[floor_id]

    # A registration whose email is not confirmed yet waits for its owner, not for staff.
    pending = list(
        User.objects.filter(
            is_verified=False, is_active=True, is_staff=False, email_confirmed=True
        ).order_by("date_joined", "id")
    )
    today = list(
        Reservation.objects.filter(start__lt=day_end, end__gt=day_start)
        .exclude(status=Reservation.Status.HELD)  # waitlist holds are nobody's booking yet
        .select_related("seat__floor", "user")
        .order_by("start", "id")
    )
    grace = policy.checkin_grace
    # Booked but past the grace is a no-show even before the scheduler marks it.
    missed = [
        r
        for r in today
        if r.status == Status.BOOKED and r.checkin_from <= now - grace and r.start >= day_start
    ]
    no_shows = [r for r in today if r.status == Status.NO_SHOW and r.start >= day_start] + missed
    missed_ids = {r.pk for r in missed}
    holding = [r for r in today if r.status in LIVE_STATUSES and r.pk not in missed_ids]
    checked_in = [r for r in holding if r.status == Status.CHECKED_IN and r.start <= now < r.end]

    seat_counts = dict(
        Seat.objects.filter(is_active=True)
        .order_by()
        .values_list("floor_id")
        .annotate(n=Count("id"))
    )
    busy_now: Counter[int] = Counter()
    booked: Counter[int] = Counter()
    seen_now: set[int] = set()
    for r in holding:
        if r.start <= now < r.end and r.seat_id not in seen_now:
            seen_now.add(r.seat_id)
            busy_now[r.seat.floor_id] += 1
        # Only the part inside opening hours counts against the day's capacity.
        opens, closes = hours(r.seat.floor_id)
        overlap = (min(r.end, closes) - max(r.start, opens)).total_seconds() // 60
        booked[r.seat.floor_id] += max(0, int(overlap))
    floors = [
        FloorOccupancy(
            floor=floor,
            seats=seat_counts.get(floor.pk, 0),
            busy_now=busy_now[floor.pk],
            booked_minutes=booked[floor.pk],
            open_minutes=_minutes(*hours(floor.pk)),
        )
        for floor in Floor.objects.order_by("ordering", "id")
    ]
    open_statuses = [Ticket.Status.OPEN, Ticket.Status.IN_PROGRESS]
    ticket_rows = Ticket.objects.filter(status__in=open_statuses)
    counts = dict(ticket_rows.values_list("status").annotate(n=Count("id")))
    oldest = ticket_rows.aggregate(oldest=Min("created_at"))["oldest"]
    return Dashboard(
        day=day,
        day_start=day_start,
        day_end=day_end,
        pending=pending,
        floors=floors,
        checked_in=checked_in,
        no_shows=no_shows,
        tickets={s: counts.get(s, 0) for s in open_statuses},
        oldest_open=oldest,
    )
