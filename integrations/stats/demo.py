"""``manage.py seed_demo --history DAYS``: realistic past usage, so statistics and Grafana have
something to show on a fresh install.

Past reservations cannot go through reservation_create (it refuses the past), so rows are written
with bulk_create, keeping the invariants the services and the PostgreSQL exclusion constraints
guarantee: aligned to the slot step inside opening hours, and never two overlapping reservations
of one seat or of one member (checked in memory against every row of the period, whatever its
status, so even a later status edit cannot create an overlap).

Usage pattern: most members come on weekdays, few at weekends; arrivals peak 9-11 and after
lunch, so occupancy peaks 10-17; ~10% of bookings are cancelled, ~12% are no-shows. Random but
reproducible (seeded by the date). Idempotent-ish: a day that already has demo reservations is
skipped, so running it again only fills the days that are missing.
"""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Seat

# Arrival hour -> relative weight (the coworking fills up in the morning and after lunch).
ARRIVAL_WEIGHTS = {8: 1, 9: 5, 10: 6, 11: 3, 12: 2, 13: 4, 14: 3, 15: 2, 16: 1, 17: 1, 18: 0.5}
# Duration in hours -> relative weight.
DURATION_WEIGHTS = {1: 3, 1.5: 1, 2: 3, 3: 3, 4: 3, 6: 2, 8: 2}
WEEKDAY_ATTENDANCE = 0.7
WEEKEND_ATTENDANCE = 0.15
BAR_WIDTH = 30

Status = Reservation.Status


def _overlaps(intervals: list[tuple[dt.datetime, dt.datetime]], start, end) -> bool:
    return any(s < end and start < e for s, e in intervals)


def _progress(command, done: int, total: int, created: int) -> None:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    command.stdout.write(
        f"\rhistory [{bar}] {done}/{total} days, {created} reservations", ending=""
    )
    command.stdout.flush()


def _day_reservations(
    day: dt.date,
    *,
    policy,
    members: list[User],
    seats: list[Seat],
    seat_busy: dict[int, list],
    member_busy: dict[int, list],
) -> list[Reservation]:
    rng = random.Random(f"bookit-history-{day.isoformat()}")
    opens = dt.datetime.combine(day, policy.opens_at, policy.tz)
    closes = dt.datetime.combine(day, policy.closes_at, policy.tz)
    step = policy.slot
    attendance = WEEKDAY_ATTENDANCE if day.weekday() < 5 else WEEKEND_ATTENDANCE
    hours = list(ARRIVAL_WEIGHTS)
    durations = list(DURATION_WEIGHTS)
    rows = []
    for member in rng.sample(members, len(members)):
        if rng.random() >= attendance:
            continue
        favourite = seats[member.pk % len(seats)]
        for _visit in range(1 if rng.random() < 0.8 else 2):
            hour = rng.choices(hours, weights=list(ARRIVAL_WEIGHTS.values()))[0]
            start = dt.datetime.combine(day, dt.time(hour, rng.choice((0, 30))), policy.tz)
            length = dt.timedelta(hours=rng.choices(durations, list(DURATION_WEIGHTS.values()))[0])
            # Keep the policy's slot alignment even when the policy is not the default one.
            start = opens + step * -(-(max(start, opens) - opens) // step)
            end = min(start + length, closes)
            end = opens + step * ((end - opens) // step)
            if end <= start or _overlaps(member_busy[member.pk], start, end):
                continue
            candidates = [favourite] + rng.sample(seats, min(len(seats), 8))
            seat = next((s for s in candidates if not _overlaps(seat_busy[s.pk], start, end)), None)
            if seat is None:
                continue
            seat_busy[seat.pk].append((start, end))
            member_busy[member.pk].append((start, end))
            rows.append(_reservation(rng, member, seat, start, end))
    return rows


def _reservation(rng: random.Random, member: User, seat: Seat, start, end) -> Reservation:
    created_at = start - dt.timedelta(minutes=rng.randint(60, 72 * 60))
    roll = rng.random()
    reservation = Reservation(
        user=member, seat=seat, start=start, end=end, created_at=created_at, created_by=member
    )
    if roll < 0.10:
        reservation.status = Status.CANCELLED
        reservation.cancelled_at = created_at + (start - created_at) * rng.random()
    elif roll < 0.22:
        reservation.status = Status.NO_SHOW
    else:
        reservation.status = Status.CHECKED_IN
        reservation.checked_in_at = start + dt.timedelta(minutes=rng.randint(-10, 10))
    return reservation


def seed(command, options) -> None:
    days = int(options.get("history") or 0)
    if days <= 0:
        return
    policy = get_policy()
    members = list(
        User.objects.filter(email__startswith="demo_email_", is_active=True).order_by("email")
    )
    seats = list(
        Seat.objects.filter(is_active=True).order_by("floor__ordering", "floor_id", "label")
    )
    if not members or not seats:
        command.stdout.write("history: no demo members or seats, nothing to do")
        return
    today = timezone.localdate(timezone=policy.tz)
    first = today - dt.timedelta(days=days)
    range_start = dt.datetime.combine(first, dt.time(0), policy.tz)
    range_end = dt.datetime.combine(today, dt.time(0), policy.tz)

    # Everything already in the period, whoever booked it: new rows must not overlap any of it.
    seat_busy: dict[int, list] = defaultdict(list)
    member_busy: dict[int, list] = defaultdict(list)
    demo_ids = {m.pk for m in members}
    days_with_history = set()
    for seat_id, user_id, start, end in Reservation.objects.filter(
        start__lt=range_end, end__gt=range_start
    ).values_list("seat_id", "user_id", "start", "end"):
        seat_busy[seat_id].append((start, end))
        if user_id is not None:
            member_busy[user_id].append((start, end))
        if user_id in demo_ids:
            days_with_history.add(timezone.localtime(start, policy.tz).date())

    created = 0
    skipped = 0
    for index in range(days):
        day = first + dt.timedelta(days=index)
        if day in days_with_history:
            skipped += 1
        else:
            rows = _day_reservations(
                day,
                policy=policy,
                members=members,
                seats=seats,
                seat_busy=seat_busy,
                member_busy=member_busy,
            )
            with transaction.atomic():
                Reservation.objects.bulk_create(rows, batch_size=500)
            created += len(rows)
        _progress(command, index + 1, days, created)
    command.stdout.write("")
    command.stdout.write(
        f"history: {created} past reservations over {days - skipped} days"
        + (f" ({skipped} days already had history)" if skipped else "")
    )
