from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bookit.errors import DomainError
from bookit.forms import add_service_error
from reservations import services
from reservations.models import BookingPolicy, Reservation, Series
from reservations.policy import policy_changed


class ReservationForm(forms.ModelForm):
    """Staff edits go through the services: a rule broken here shows as a form error."""

    class Meta:
        model = Reservation
        fields = ["user", "seat", "start", "end"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.result: Reservation | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        by = self.request.user
        try:
            if self.instance.pk:
                self.result = services.reservation_update(
                    reservation=self.instance,
                    by=by,
                    seat=data["seat"],
                    start=data["start"],
                    end=data["end"],
                )
            else:
                self.result = services.reservation_create(
                    user=data["user"],
                    seat=data["seat"],
                    start=data["start"],
                    end=data["end"],
                    by=by,
                )
        except DomainError as exc:
            add_service_error(self, exc)
        return data

    def _post_clean(self):
        # The service validated and saved; model validation would re-check the saved row
        # against itself (the exclusion constraints), so adopt the service's result instead.
        if self.result is not None:
            self.instance = self.result


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    form = ReservationForm
    list_display = ["id", "seat", "user", "start", "end", "status", "checked_in_at"]
    list_filter = ["status", ("start", admin.DateFieldListFilter), "seat__floor", "seat"]
    search_fields = ["user__email", "seat__label"]
    date_hierarchy = "start"
    list_select_related = ["seat__floor", "user"]
    readonly_fields = ["status", "created_at", "created_by", "checked_in_at", "cancelled_at"]
    actions = ["cancel_selected", "check_in_selected"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("user")  # a booking is moved, not handed to someone else
        return fields

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
                self.message_user(request, f"#{reservation.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d reservations cancelled.") % {"n": done})

    @admin.action(description=_("Check in selected reservations"))
    def check_in_selected(self, request, queryset):
        done = 0
        for reservation in queryset:
            try:
                services.reservation_check_in(reservation=reservation, by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"#{reservation.pk}: {exc.message}", messages.WARNING)
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
