import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import connections, models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seats.models import Seat


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL, nothing elsewhere: one migration history for both.

    On SQLite the booking service's BEGIN IMMEDIATE transaction does the constraint's job.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=None):
        from django.db import connections

        if connections[using or "default"].vendor != "postgresql":
            return
        return super().validate(model, instance, exclude=exclude, using=using)


LIVE_STATUSES = ("booked", "checked_in")
# What keeps a seat taken: the live statuses plus "held", a seat held for the member a waitlist
# offer went to (reservations.waitlist). A held row has no member (user NULL: it is nobody's
# booking yet, so no list, cap, export or metric of bookings sees it), and the seat's exclusion
# constraint covers it, so nobody else can book the seat while the offer stands.
SEAT_HOLDING_STATUSES = (*LIVE_STATUSES, "held")


class ReservationQuerySet(models.QuerySet):
    def live(self, *, now: dt.datetime | None = None, grace: dt.timedelta | None = None):
        """Reservations that hold their seat: checked in, held for a waitlist offer, or booked
        and not yet a no-show.

        A booked reservation past its check-in grace is free even before release_no_shows runs.
        Held rows have no member, so a member's own bookings (``filter(user=...)``) never
        include them; availability does (the seat is busy).
        """
        if grace is None:
            from reservations.policy import get_policy

            grace = get_policy().checkin_grace
        now = now or timezone.now()
        cut = now - grace
        # The status__in term is implied by the OR below; it is spelled out so PostgreSQL can
        # prove the predicate of the exclusion constraints' partial GiST indexes and use them.
        return self.filter(status__in=SEAT_HOLDING_STATUSES).filter(
            Q(status=Reservation.Status.CHECKED_IN)
            | Q(status=Reservation.Status.HELD)
            | Q(status=Reservation.Status.BOOKED, start__gt=cut)
            | Q(status=Reservation.Status.BOOKED, late_booked_at__gt=cut)
        )

    def past_grace(self, *, now: dt.datetime, grace: dt.timedelta):
        """Booked and not checked in by the end of the grace (counted from the later of the
        start and a late booking): no-shows, marked yet or not. The complement of live()."""
        cut = now - grace
        return self.filter(status=Reservation.Status.BOOKED, start__lte=cut).filter(
            Q(late_booked_at__isnull=True) | Q(late_booked_at__lte=cut)
        )

    def overlapping(self, *, start: dt.datetime, end: dt.datetime):
        """Half-open [start, end): back-to-back reservations do not overlap.

        On PostgreSQL the same predicate is also written as ``tstzrange(start, end) && [start,
        end)``, the expression of the exclusion constraints' GiST indexes: a range scan there
        touches only the rows near the window, however long the history (a btree on start or
        end alone bounds one side only and reads every older or every later row).
        """
        qs = self.filter(start__lt=end, end__gt=start)
        if connections[self.db].vendor != "postgresql":
            return qs
        return qs.alias(span=TsTzRange("start", "end", RangeBoundary())).filter(
            span__overlap=(start, end)
        )

    def upcoming(self, *, now: dt.datetime | None = None):
        return self.filter(end__gt=now or timezone.now())


class Reservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")
        HELD = "held", _("Held for the waitlist")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        # Deleting an account keeps its past reservations, anonymised, so statistics stay true.
        on_delete=models.SET_NULL,
        related_name="reservations",
    )
    seat = models.ForeignKey(
        "seats.Seat", verbose_name=_("seat"), on_delete=models.PROTECT, related_name="reservations"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Booked (or moved, or restored) into a window that had already begun: the check-in grace
    # counts from then, so the seat is never released before the member could check in.
    late_booked_at = models.DateTimeField(_("booked late at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    series = models.ForeignKey(
        "reservations.Series",
        verbose_name=_("series"),
        null=True,
        blank=True,
        # Deleting a series (never done by the product) keeps the bookings it made.
        on_delete=models.SET_NULL,
        related_name="reservations",
    )
    # iCalendar SEQUENCE of the booking's invitation: raised on every change and on cancel so
    # calendar apps replace the event they hold instead of adding a second one (RFC 5546).
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["seat", "start"], name="reservation_seat_start"),
            models.Index(fields=["user", "start"], name="reservation_user_start"),
            models.Index(fields=["status", "start"], name="reservation_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="reservation_end_after_start"
            ),
            PostgresOnlyExclusionConstraint(
                name="reservation_seat_no_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("seat", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=SEAT_HOLDING_STATUSES),
            ),
            PostgresOnlyExclusionConstraint(
                name="reservation_user_no_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("user", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=LIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        # Admin messages ("… was added") show this: the seat's label and local time, not ids.
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        member = (self.user.get_full_name() or self.user.email) if self.user else "—"
        return f"{self.seat.label} · {member} · {start:%d.%m.%Y %H:%M}–{end:%H:%M}"

    @property
    def checkin_from(self) -> dt.datetime:
        """Where the check-in grace starts: the start, or a late booking's moment."""
        return max(self.start, self.late_booked_at) if self.late_booked_at else self.start

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Series(models.Model):
    """A recurring booking (reservations.series): one seat at one time of day, repeated.

    Each occurrence is an ordinary Reservation made by the booking service; the series keeps
    the rule it was made from and the occurrences it skipped, with their reasons.
    """

    class Freq(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_series",
    )
    seat = models.ForeignKey(
        "seats.Seat", verbose_name=_("seat"), on_delete=models.PROTECT, related_name="+"
    )
    freq = models.CharField(_("repeats"), max_length=8, choices=Freq.choices)
    weekdays = models.JSONField(_("weekdays (Monday = 0)"), default=list, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    skipped = models.JSONField(_("skipped occurrences"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"series #{self.pk} {self.seat_id} {self.freq}"

    @property
    def repeat(self) -> dict:
        data: dict = {"freq": self.freq}
        if self.freq == self.Freq.WEEKLY:
            data["weekdays"] = self.weekdays
        if self.count is not None:
            data["count"] = self.count
        if self.until is not None:
            data["until"] = self.until.isoformat()
        return data


class WaitlistEntry(models.Model):
    """A member waiting for a seat (one seat, or any seat of a floor and/or kind) over a window.

    reservations.waitlist: when a matching seat frees, the first waiting entry (by created_at)
    is offered it: a Reservation in status "held" keeps the seat for that member until
    ``offer_expires_at``; accepting turns that row into the member's booking through the
    booking service, declining or expiry deletes it and offers the seat to the next in line.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    seat = models.ForeignKey(
        "seats.Seat",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    floor = models.ForeignKey(
        "seats.Floor",
        verbose_name=_("floor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(
        _("seat kind"), max_length=20, blank=True, default="", choices=Seat.Kind.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    offered_seat = models.ForeignKey(
        "seats.Seat",
        verbose_name=_("offered seat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    # The held row while offered; the member's booking once accepted.
    reservation = models.ForeignKey(
        Reservation,
        verbose_name=_("reservation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="waitlist_status_created")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="waitlist_end_after_start")
        ]

    def __str__(self) -> str:
        return f"waitlist #{self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.OFFERED)


class BookingPolicy(models.Model):
    """The booking rules staff can edit. A single row (pk=1)."""

    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    opens_at = models.TimeField(_("opens at"), default=dt.time(8, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(22, 0))
    slot_minutes = models.PositiveIntegerField(_("slot step, minutes"), default=30)
    min_minutes = models.PositiveIntegerField(_("minimum duration, minutes"), default=30)
    max_minutes = models.PositiveIntegerField(_("maximum duration, minutes"), default=12 * 60)
    advance_days = models.PositiveIntegerField(_("book up to N days ahead"), default=14)
    max_upcoming = models.PositiveIntegerField(_("upcoming reservations per member"), default=3)
    checkin_grace_minutes = models.PositiveIntegerField(_("check-in grace, minutes"), default=15)
    checkin_early_minutes = models.PositiveIntegerField(
        _("check-in opens before start, minutes"), default=15
    )
    reminder_minutes = models.PositiveIntegerField(_("reminder before start, minutes"), default=30)

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="policy_closes_after_opens"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="policy_slot_positive"),
            models.CheckConstraint(
                condition=Q(max_minutes__gte=F("min_minutes")), name="policy_max_ge_min"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Booking policy"))

    @property
    def checkin_grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.checkin_grace_minutes)

    @property
    def checkin_early(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.checkin_early_minutes)

    @property
    def slot(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.slot_minutes)

    @property
    def tz(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.time_zone)


class BookingRule(models.Model):
    """An override of the booking policy for one seat kind or one floor.

    Empty fields inherit. The effective rule of a seat is the policy, then its floor's rule,
    then its kind's rule on top (a kind is the more specific promise: "meeting rooms at most
    2 h" holds on every floor); reservations.rules.rule_for_seat computes it.
    """

    kind = models.CharField(
        _("seat kind"), max_length=20, blank=True, default="", choices=Seat.Kind.choices
    )
    floor = models.OneToOneField(
        "seats.Floor",
        verbose_name=_("floor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booking_rule",
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    min_minutes = models.PositiveIntegerField(_("min. minutes"), null=True, blank=True)
    max_minutes = models.PositiveIntegerField(_("max. minutes"), null=True, blank=True)
    advance_days = models.PositiveIntegerField(_("days ahead"), null=True, blank=True)
    max_upcoming = models.PositiveIntegerField(
        _("upcoming per member"),
        null=True,
        blank=True,
        help_text=_("Counted among the member's bookings of this kind (or on this floor)."),
    )

    class Meta:
        verbose_name = _("booking rule")
        verbose_name_plural = _("booking rules")
        ordering = ["floor_id", "kind"]
        constraints = [
            # Exactly one scope: a kind or a floor.
            models.CheckConstraint(
                condition=(Q(kind="") & Q(floor__isnull=False))
                | (~Q(kind="") & Q(floor__isnull=True)),
                name="booking_rule_one_scope",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind=""), name="booking_rule_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="booking_rule_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=Q(min_minutes__isnull=True)
                | Q(max_minutes__isnull=True)
                | Q(max_minutes__gte=F("min_minutes")),
                name="booking_rule_max_ge_min",
            ),
        ]

    def __str__(self) -> str:
        if self.floor is not None:
            return str(_("Rules for floor %(name)s") % {"name": self.floor.display_name})
        return str(_("Rules for %(kind)s") % {"kind": self.get_kind_display()})


class SeatBlockQuerySet(models.QuerySet):
    def overlapping(self, *, start: dt.datetime, end: dt.datetime):
        return self.filter(start__lt=end, end__gt=start)

    def covering(self, *, seat, start: dt.datetime, end: dt.datetime):
        """Blocks of this seat or of its whole floor that overlap [start, end)."""
        return self.overlapping(start=start, end=end).filter(
            Q(seat_id=seat.pk) | Q(floor_id=seat.floor_id)
        )


class SeatBlock(models.Model):
    """A seat or a whole floor closed for a period (maintenance). [start, end), like bookings.

    Creating one cancels the live bookings it covers (reservations.services_blocks); while it
    lasts the seat shows as blocked and booking into it is a conflict.
    """

    seat = models.ForeignKey(
        "seats.Seat",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    floor = models.ForeignKey(
        "seats.Floor",
        verbose_name=_("floor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SeatBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat block")
        verbose_name_plural = _("seat blocks")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["end", "start"], name="seatblock_end_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="seatblock_end_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(seat__isnull=False) & Q(floor__isnull=True))
                | (Q(seat__isnull=True) & Q(floor__isnull=False)),
                name="seatblock_seat_xor_floor",
            ),
        ]

    def __str__(self) -> str:
        target = self.seat.label if self.seat else (self.floor.display_name if self.floor else "")
        return f"{target}: {self.reason}"
