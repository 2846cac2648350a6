import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bookit.errors import DomainError
from bookit.forms import RequestFormMixin, ServiceModelForm, add_service_error
from reservations import services, services_blocks
from reservations.models import (
    BookingPolicy,
    BookingRule,
    Reservation,
    SeatBlock,
    Series,
    WaitlistEntry,
)
from reservations.policy import OVERRIDABLE, get_policy, policy_changed


class ReservationForm(ServiceModelForm):
    """Staff edits go through the services: a rule broken here shows as a form error."""

    class Meta:
        model = Reservation
        fields = ["user", "seat", "start", "end"]

    def save_through_service(self, data: dict[str, Any]) -> Reservation:
        by = self.request.user
        if self.instance.pk:
            return services.reservation_update(
                reservation=self.instance,
                by=by,
                seat=data["seat"],
                start=data["start"],
                end=data["end"],
            )
        return services.reservation_create(
            user=data["user"], seat=data["seat"], start=data["start"], end=data["end"], by=by
        )


def describe(reservation: Reservation) -> str:
    """How admin messages name a booking: seat, floor, member and time, never ids."""
    from reservations.services import _fmt

    member = reservation.user
    who = (member.get_full_name() or member.email) if member else _("a deleted member")
    return _("seat %(seat)s (%(floor)s), %(member)s, %(when)s") % {
        "seat": reservation.seat.label,
        "floor": reservation.seat.floor.display_name,
        "member": who,
        "when": _fmt(reservation.start, get_policy()),
    }


class DayFilter(admin.SimpleListFilter):
    """Bookings overlapping one local day (today by default in the choices)."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        today = timezone.localtime(timezone.now(), get_policy().tz).date()
        names = {-1: _("Yesterday"), 0: _("Today"), 1: _("Tomorrow")}
        return [
            (
                (today + dt.timedelta(days=offset)).isoformat(),
                names.get(offset)
                or formats.date_format(today + dt.timedelta(days=offset), "D j E"),
            )
            for offset in range(-1, 7)
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = dt.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        start = dt.datetime.combine(day, dt.time(0, 0), get_policy().tz)
        return queryset.overlapping(start=start, end=start + dt.timedelta(days=1))


@admin.register(Reservation)
class ReservationAdmin(RequestFormMixin, admin.ModelAdmin):
    form = ReservationForm
    list_display = [
        "id",
        "seat_label",
        "floor",
        "member",
        "start",
        "end",
        "status",
        "checked_in_at",
    ]
    list_display_links = ["id", "seat_label"]
    list_filter = [
        DayFilter,
        "status",
        ("start", admin.DateFieldListFilter),
        "seat__floor",
        "seat__kind",
        ("seat", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__email", "user__first_name", "user__last_name", "seat__label"]
    date_hierarchy = "start"
    list_select_related = ["seat__floor", "user"]
    readonly_fields = ["status", "created_at", "created_by", "checked_in_at", "cancelled_at"]
    actions = ["cancel_selected", "check_in_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("user")  # a booking is moved, not handed to someone else
        return fields

    @admin.display(description=_("seat"), ordering="seat__label")
    def seat_label(self, obj: Reservation) -> str:
        return obj.seat.label

    @admin.display(description=_("floor"), ordering="seat__floor__name")
    def floor(self, obj: Reservation) -> str:
        return obj.seat.floor.display_name

    @admin.display(description=_("member"), ordering="user__last_name")
    def member(self, obj: Reservation) -> str:
        return (obj.user.get_full_name() or obj.user.email) if obj.user else "—"

    def save_model(self, request, obj, form, change):
        """Nothing to do: the service saved the reservation in form.clean()."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: history stays

    @admin.action(description=_("Cancel selected reservations"))
    def cancel_selected(self, request, queryset):
        done = 0
        for reservation in queryset:
            try:
                services.reservation_cancel(reservation=reservation, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(
                    request, f"{describe(reservation)}: {exc.message}", messages.WARNING
                )
        self.message_user(request, _("%(n)d reservations cancelled.") % {"n": done})

    @admin.action(description=_("Check in selected reservations"))
    def check_in_selected(self, request, queryset):
        done = 0
        for reservation in queryset:
            try:
                services.reservation_check_in(reservation=reservation, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(
                    request, f"{describe(reservation)}: {exc.message}", messages.WARNING
                )
        self.message_user(request, _("%(n)d reservations checked in.") % {"n": done})


class BookingPolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = [
            "time_zone",
            "opens_at",
            "closes_at",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "advance_days",
            "max_upcoming",
            "checkin_grace_minutes",
            "checkin_early_minutes",
            "reminder_minutes",
        ]

    def clean_time_zone(self):
        import zoneinfo

        value = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone.")) from None
        return value


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    form = BookingPolicyForm

    def has_add_permission(self, request) -> bool:
        return not BookingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list would be a list of one; open it (the rules page links here).
        row = get_policy()
        return HttpResponseRedirect(
            reverse("admin:reservations_bookingpolicy_change", args=[row.pk])
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        policy_changed()


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    """Read-only: series are made and cancelled through reservations.series (site, API, bot),
    so every occurrence went through the booking service."""

    list_display = ("id", "user", "seat", "freq", "count", "until", "created_at", "cancelled_at")
    list_filter = ("freq",)
    list_select_related = ("user", "seat")
    search_fields = ("user__email", "seat__label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


OVERRIDE_FIELDS = list(OVERRIDABLE)


class BookingRuleForm(forms.ModelForm):
    """The service's check as form errors, on the add page and in the editable list alike."""

    class Meta:
        model = BookingRule
        fields = ["kind", "floor", *OVERRIDABLE]

    def clean(self):
        data = super().clean()
        if not self.errors:
            candidate = BookingRule(**{**model_values(self.instance), **data})
            try:
                services_blocks.booking_rule_check(rule=candidate)
            except DomainError as exc:
                add_service_error(self, exc)
        return data


def model_values(rule: BookingRule) -> dict:
    return {"kind": rule.kind, "floor": rule.floor, **{f: getattr(rule, f) for f in OVERRIDABLE}}


@admin.register(BookingRule)
class BookingRuleAdmin(admin.ModelAdmin):
    """One page for every override: each row a seat kind or a floor, empty cells inherit.

    The defaults (the booking policy) are shown above the table (change_list template).
    """

    form = BookingRuleForm
    change_list_template = "admin/reservations/bookingrule/change_list.html"
    list_display = ["__str__", *OVERRIDE_FIELDS]
    list_editable = OVERRIDE_FIELDS
    list_select_related = ["floor"]
    fields = ["kind", "floor", *OVERRIDE_FIELDS]
    # Plain narrow inputs: the admin's clock widgets would push the table past a laptop screen.
    formfield_overrides = {
        models.TimeField: {"widget": forms.TimeInput(format="%H:%M", attrs={"size": 5})},
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width:6em"})},
    }

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=BookingRuleForm, **kwargs)

    def changelist_view(self, request, extra_context=None):
        context = {"policy": get_policy(), "override_fields": OVERRIDE_FIELDS}
        return super().changelist_view(request, extra_context={**context, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        try:
            services_blocks.booking_rule_save(rule=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_model(self, request, obj):
        services_blocks.booking_rule_delete(rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services_blocks.booking_rule_delete(rule=rule)


class SeatBlockForm(forms.ModelForm):
    """Blocks are created through the service: it cancels the covered bookings and says so."""

    class Meta:
        model = SeatBlock
        fields = ["seat", "floor", "start", "end", "reason"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.cancelled: list[Reservation] = []

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk:
            return data
        try:
            self.instance, self.cancelled = services_blocks.seat_block_create(
                by=self.request.user,
                seat=data.get("seat"),
                floor=data.get("floor"),
                start=data["start"],
                end=data["end"],
                reason=data["reason"],
            )
        except DomainError as exc:
            add_service_error(self, exc)
        return data

    def _post_clean(self):
        if not self.instance.pk:
            super()._post_clean()


@admin.register(SeatBlock)
class SeatBlockAdmin(RequestFormMixin, admin.ModelAdmin):
    form = SeatBlockForm
    list_display = ["target", "start", "end", "reason", "created_by"]
    list_filter = [("start", admin.DateFieldListFilter), "floor", "seat__floor"]
    search_fields = ["reason", "seat__label", "floor__name"]
    list_select_related = ["seat__floor", "floor", "created_by"]
    autocomplete_fields = ["seat"]

    @admin.display(description=_("seat or floor"))
    def target(self, obj: SeatBlock) -> str:
        if obj.seat_id:
            return f"{obj.seat.label} ({obj.seat.floor.display_name})"
        return _("whole floor %(name)s") % {"name": obj.floor.display_name}

    def get_readonly_fields(self, request, obj=None):
        # A block is reopened (deleted), not moved: its cancellations already happened.
        return ["seat", "floor", "start", "end", "reason"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        for reservation in form.cancelled:
            self.message_user(
                request,
                _("Cancelled and told the member: %(booking)s.")
                % {"booking": describe(reservation)},
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        services_blocks.seat_block_delete(block=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for block in queryset:
            services_blocks.seat_block_delete(block=block, by=request.user)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Read-only: the line is joined, offered and answered through reservations.waitlist (the
    pages, API and bot), so every offer holds its seat and every accept is a checked booking."""

    list_display = (
        "id",
        "user",
        "seat",
        "floor",
        "kind",
        "start",
        "end",
        "status",
        "offered_seat",
        "offer_expires_at",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("user", "seat", "floor", "offered_seat")
    search_fields = ("user__email", "seat__label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
