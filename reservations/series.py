"""Recurring bookings (DESIGN.md "Recurring bookings"): one seat at one time of day, daily or on
chosen weekdays, by count or until a date within the advance window.

Every occurrence is booked by the one booking service (reservations.services.reservation_create,
with ``series``), so each obeys every rule; the series only generates the windows, reports the
skipped ones with the service's own reason, and cancels its future occurrences. How a series
counts against the per-member cap: as one booking (see services.check_upcoming_limit).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookit.errors import Conflict, DomainError, NotFound, ValidationFailed
from reservations import messages as msg
from reservations import services
from reservations.models import Reservation, SeatBlock, Series
from reservations.policy import get_policy, rule_for_seat
from seats.models import Seat

# A generous bound on one request's work: a daily series over the longest advance window staff
# would set; the advance window itself is the real limit.
MAX_OCCURRENCES = 100


@dataclass
class Repeat:
    freq: str
    weekdays: list[int]
    count: int | None = None
    until: dt.date | None = None


@dataclass
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    available: bool = True
    reason: str | None = None
    reservation: Reservation | None = None

    @property
    def status(self) -> str:
        if self.reservation is not None:
            return self.reservation.status
        return "skipped"


def _repeat_error(message: str) -> ValidationFailed:
    return ValidationFailed.on("repeat", message)


def occurrence_windows(
    *, start: dt.datetime, end: dt.datetime, repeat: Repeat, now: dt.datetime | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The [start, end) of every occurrence, in the coworking's time zone; raises on a rule."""
    policy = get_policy()
    now = now or timezone.now()
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationFailed.on("start", msg.NEEDS_UTC_OFFSET)
    if (repeat.count is None) == (repeat.until is None):
        raise _repeat_error(str(msg.REPEAT_COUNT_OR_UNTIL))
    if repeat.count is not None and not 1 <= repeat.count <= MAX_OCCURRENCES:
        raise _repeat_error(msg.too_many_occurrences(MAX_OCCURRENCES))
    local_start = timezone.localtime(start, policy.tz)
    local_end = timezone.localtime(end, policy.tz)
    if local_end.date() != local_start.date() or end <= start:
        raise ValidationFailed.on("end", msg.SAME_DAY)
    weekdays = set(repeat.weekdays) if repeat.freq == Series.Freq.WEEKLY else set(range(7))
    if repeat.freq == Series.Freq.WEEKLY and not weekdays:
        weekdays = {local_start.weekday()}
    if not weekdays <= set(range(7)):
        raise _repeat_error(str(msg.WEEKDAYS_RANGE))
    last_day = (now + dt.timedelta(days=policy.advance_days)).astimezone(policy.tz).date()
    if repeat.until is not None and repeat.until > last_day:
        raise _repeat_error(msg.series_too_far(policy.advance_days))
    limit = repeat.until or last_day
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    day = local_start.date()
    while day <= limit and (repeat.count is None or len(windows) < repeat.count):
        if day.weekday() in weekdays:
            windows.append(
                (
                    dt.datetime.combine(day, local_start.time(), policy.tz),
                    dt.datetime.combine(day, local_end.time(), policy.tz),
                )
            )
        day += dt.timedelta(days=1)
    if repeat.count is not None and len(windows) < repeat.count:
        raise _repeat_error(msg.series_too_far(policy.advance_days))
    if not windows:
        raise _repeat_error(str(msg.NO_OCCURRENCE))
    return windows


def series_preview(
    *, user: User, seat: Seat, start: dt.datetime, end: dt.datetime, repeat: Repeat
) -> list[Occurrence]:
    """Which occurrences are free, with the reason for the others. Reads only; a fixed
    number of queries (the blocks, the reservations, the cap), whatever the occurrences."""
    now = timezone.now()
    windows = occurrence_windows(start=start, end=end, repeat=repeat, now=now)
    services.check_can_book(user=user, seat=seat, by=user)
    try:
        services.check_upcoming_limit(user=user, seat=seat, now=now)
        cap_reason = None
    except ValidationFailed as exc:
        cap_reason = str(exc.message)
    taken = list(
        Reservation.objects.live(now=now)
        .overlapping(start=windows[0][0], end=windows[-1][1])
        .filter(Q(seat=seat) | Q(user=user))
        .only("seat_id", "user_id", "start", "end")
    )
    # The seat's (or its floor's) blocks over the whole span: one read, as the booking checks.
    blocks = list(SeatBlock.objects.covering(seat=seat, start=windows[0][0], end=windows[-1][1]))
    rule = rule_for_seat(seat)
    occurrences = []
    for occ_start, occ_end in windows:
        reason = cap_reason
        try:
            services.validate_window(start=occ_start, end=occ_end, now=now, rule=rule)
        except ValidationFailed as exc:
            reason = str(exc.message)
        clashes = [r for r in taken if r.start < occ_end and r.end > occ_start]
        closed = next((b for b in blocks if b.start < occ_end and b.end > occ_start), None)
        if reason is None and closed is not None:
            reason = msg.occurrence_closed(closed.reason)
        elif reason is None and any(r.seat_id == seat.pk for r in clashes):
            reason = str(msg.OCCURRENCE_SEAT_TAKEN)
        elif reason is None and clashes:
            reason = str(msg.MEMBER_ALREADY_BOOKED)
        occurrences.append(Occurrence(occ_start, occ_end, available=reason is None, reason=reason))
    return occurrences


def series_create(
    *,
    user: User,
    seat: Seat,
    start: dt.datetime,
    end: dt.datetime,
    repeat: Repeat,
    by: User | None = None,
) -> tuple[Series, list[Occurrence]]:
    """Book every free occurrence, skip the taken ones with the booking service's reason.

    One transaction: the series and its bookings appear together. Nothing free at all is a
    409 listing each reason, and nothing is written.
    """
    by = by or user
    windows = occurrence_windows(start=start, end=end, repeat=repeat)
    services.check_can_book(user=user, seat=seat, by=by)
    with transaction.atomic():
        services.lock_for_series(user=user, seat=seat)
        series = Series.objects.create(
            user=user,
            seat=seat,
            freq=repeat.freq,
            weekdays=sorted(set(repeat.weekdays)) if repeat.freq == Series.Freq.WEEKLY else [],
            count=repeat.count,
            until=repeat.until,
        )
        occurrences = []
        for occ_start, occ_end in windows:
            try:
                reservation = services.reservation_create(
                    user=user, seat=seat, start=occ_start, end=occ_end, by=by, series=series
                )
            except DomainError as exc:
                occurrences.append(Occurrence(occ_start, occ_end, False, str(exc.message)))
            else:
                occurrences.append(Occurrence(occ_start, occ_end, reservation=reservation))
        if not any(o.reservation for o in occurrences):
            raise Conflict(
                msg.NONE_FREE,
                errors={"repeat": [o.reason for o in occurrences[:1]]},
                extra={"occurrences": [occurrence_data(o) for o in occurrences]},
            )
        series.skipped = [
            {"start": o.start.isoformat(), "end": o.end.isoformat(), "reason": o.reason}
            for o in occurrences
            if o.reservation is None
        ]
        series.save(update_fields=["skipped"])
    return series, occurrences


def occurrence_data(occurrence: Occurrence, *, created: bool = False) -> dict:
    """One occurrence in the API's shape; on create a booked one says "booked"."""
    data: dict = {
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat(),
        "status": "booked" if created and occurrence.reservation else occurrence.status,
    }
    if occurrence.reservation is not None:
        data["reservation"] = occurrence.reservation.pk
    if occurrence.reason:
        data["reason"] = occurrence.reason
    return data


def series_occurrences(series: Series) -> list[Occurrence]:
    """Its bookings (any status) and the skipped occurrences, in time order."""
    tz = get_policy().tz
    occurrences = [Occurrence(r.start, r.end, reservation=r) for r in series.reservations.all()]
    for item in series.skipped:
        occurrences.append(
            Occurrence(
                dt.datetime.fromisoformat(item["start"]).astimezone(tz),
                dt.datetime.fromisoformat(item["end"]).astimezone(tz),
                available=False,
                reason=item.get("reason"),
            )
        )
    return sorted(occurrences, key=lambda o: o.start)


def series_for_user(*, user: User) -> QuerySet[Series]:
    """A member's series with their bookings: two queries for any number."""
    return (
        Series.objects.filter(user=user)
        .select_related("seat__floor")
        .prefetch_related(Prefetch("reservations", queryset=Reservation.objects.order_by("start")))
    )


def series_get(*, user: User, pk: int) -> Series:
    """A series of ``user`` (staff: anyone's); another member's is 404."""
    qs = Series.objects.all() if user.is_staff else series_for_user(user=user)
    series = qs.select_related("seat__floor").filter(pk=pk).first()
    if series is None:
        raise NotFound()
    return series


def series_cancel(*, series: Series, by: User) -> int:
    """Cancel every occurrence that has not started yet (each through the booking service);
    one in progress goes on. Returns how many were cancelled; a repeat cancels nothing."""
    if not by.is_staff and series.user_id != by.pk:
        raise NotFound()
    now = timezone.now()
    count = 0
    with transaction.atomic():
        future = series.reservations.filter(status=Reservation.Status.BOOKED, start__gt=now)
        for reservation in future.select_related("seat", "user"):
            services.reservation_cancel(reservation=reservation, by=by)
            count += 1
        if series.cancelled_at is None:
            series.cancelled_at = now
            series.save(update_fields=["cancelled_at"])
    return count
