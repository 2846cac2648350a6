from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bookit.errors import DomainError
from seats import services
from seats.models import Floor, Seat


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    fields = ["label", "kind", "amenities", "x", "y", "is_active"]
    show_change_link = True


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    list_display = ["name", "ordering", "width", "height"]
    list_editable = ["ordering"]
    inlines = [SeatInline]

    def delete_model(self, request, obj):
        try:
            services.floor_delete(floor=obj)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
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
