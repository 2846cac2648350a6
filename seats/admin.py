from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bookit.errors import DomainError
from seats import services
from seats.admin_editor import FloorEditorMixin
from seats.models import Floor, Seat, Zone


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


@admin.register(Floor)
class FloorAdmin(FloorEditorMixin):
    """Seats and zones are edited on the plan itself (seats.admin_editor)."""

    list_display = ["name", "ordering", "width", "height", "seat_count"]
    list_editable = ["ordering"]

    @admin.display(description=_("seats"))
    def seat_count(self, obj: Floor) -> int:
        return obj.seat_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(seat_total=Count("seats"))

    def delete_model(self, request, obj):
        try:
            services.floor_delete(floor=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    form = SeatForm
    list_display = ["label", "floor", "kind", "x", "y", "is_active"]
    list_editable = ["x", "y", "is_active"]
    list_filter = ["floor", "kind", "is_active"]
    search_fields = ["label", "floor__name"]
    actions = ["deactivate", "activate"]

    def delete_model(self, request, obj):
        # Seats with history are never deleted (history stays); the service says why.
        try:
            services.seat_delete(seat=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for seat in queryset:
            self.delete_model(request, seat)

    @admin.action(description=_("Deactivate selected seats"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, _("%(n)d seats deactivated.") % {"n": count})

    @admin.action(description=_("Activate selected seats"))
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, _("%(n)d seats activated.") % {"n": count})


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "floor", "x", "y", "width", "height"]
    list_filter = ["floor"]
    search_fields = ["name", "floor__name"]
