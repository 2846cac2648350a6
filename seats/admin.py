"""Staff edit floors and seats here; every write goes through seats.services like the API."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bookit.errors import DomainError
from seats import services
from seats.admin_editor import FloorEditorMixin
from seats.models import Floor, Seat, Zone


def _field_values(form, instance, fields: set[str]) -> dict:
    """The edited values, as the service takes them (a new row: every field of the form)."""
    names = form.changed_data if instance.pk else form.fields
    return {name: getattr(instance, name) for name in names if name in fields}


class SeatForm(forms.ModelForm):
    """Amenities as checkboxes, not raw JSON."""

    amenities = forms.MultipleChoiceField(
        label=_("amenities"),
        choices=Seat.Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Seat
        fields = ["floor", "label", "kind", "amenities", "x", "y", "is_active"]

    def clean_amenities(self):
        # The service's rule, reported on the field instead of a 500 at save time.
        try:
            return services.clean_amenities(self.cleaned_data.get("amenities") or [])
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None


def _adopt(obj, saved) -> None:
    """The admin keeps working with its own instance (redirects, log entries, inlines)."""
    obj.pk = saved.pk
    obj._state.adding = False


def _save_seat(form, seat: Seat) -> Seat:
    values = _field_values(form, seat, services.SEAT_FIELDS)
    if seat.pk:
        return services.seat_update(seat=Seat.objects.get(pk=seat.pk), **values)
    values.setdefault("floor", seat.floor)
    return services.seat_create(**values)


@admin.register(Floor)
class FloorAdmin(FloorEditorMixin, admin.ModelAdmin):
    """Seats and zones are edited on the plan itself (seats.admin_editor)."""

    list_display = ["name", "ordering", "width", "height", "seat_count"]
    list_editable = ["ordering"]

    @admin.display(description=_("seats"))
    def seat_count(self, obj: Floor) -> int:
        return obj.seat_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_total=Count("seats"))

    def save_model(self, request, obj, form, change):
        values = _field_values(form, obj, services.FLOOR_FIELDS)
        if change:
            saved = services.floor_update(floor=Floor.objects.get(pk=obj.pk), **values)
        else:
            saved = services.floor_create(**values)
        _adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Seat:
            return super().save_formset(request, form, formset, change)
        for seat in formset.save(commit=False):
            sub_form = next(f for f in formset.forms if f.instance is seat)
            _save_seat(sub_form, seat)
        for seat in formset.deleted_objects:
            self._delete_seat(request, seat)
        formset.save_m2m()

    def _delete_seat(self, request, seat: Seat) -> None:
        try:
            services.seat_delete(seat=seat)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_model(self, request, obj):
        try:
            services.floor_delete(floor=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for floor in queryset:
            self.delete_model(request, floor)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    form = SeatForm
    list_display = ["label", "floor", "kind", "x", "y", "is_active"]
    list_editable = ["x", "y", "is_active"]
    list_filter = ["floor", "kind", "is_active"]
    search_fields = ["label", "floor__name"]
    actions = ["deactivate", "activate"]

    def save_model(self, request, obj, form, change):
        _adopt(obj, _save_seat(form, obj))

    def delete_model(self, request, obj):
        # Seats with history are never deleted (history stays); the service says why.
        try:
            services.seat_delete(seat=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for seat in queryset:
            self.delete_model(request, seat)

    def _set_active(self, request, queryset, active: bool) -> int:
        count = 0
        for seat in queryset.exclude(is_active=active):
            services.seat_update(seat=seat, is_active=active)
            count += 1
        return count

    @admin.action(description=_("Deactivate selected seats"))
    def deactivate(self, request, queryset):
        count = self._set_active(request, queryset, False)
        self.message_user(request, _("%(n)d seats deactivated.") % {"n": count})

    @admin.action(description=_("Activate selected seats"))
    def activate(self, request, queryset):
        count = self._set_active(request, queryset, True)
        self.message_user(request, _("%(n)d seats activated.") % {"n": count})


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "floor", "x", "y", "width", "height"]
    list_filter = ["floor"]
    search_fields = ["name", "floor__name"]
