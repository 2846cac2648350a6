"""The visual floor editor on the floor's admin page (static/js/floor_editor.js).

The page embeds the floor's layout as JSON; the editor posts the changes back to
``<floor>/layout/`` as JSON and seats.services.floor_layout_save applies them, so every seat
rule (unique labels, kinds, amenities, no deleting a seat with bookings) holds here too.
"""

import json
from collections.abc import Callable

from django.contrib import admin
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _

from bookit.errors import DomainError
from seats import services
from seats.models import DEFAULT_GLYPH, SEAT_GLYPHS, Floor, Seat, Zone

MAX_BODY = 512 * 1024  # a floor of a few thousand seats; anything bigger is not an editor


def floor_layout(floor: Floor) -> dict:
    """The editor's state: the plan, its zones and every seat (inactive ones too)."""
    return {
        "floor": {
            "id": floor.pk,
            "name": floor.name,
            "width": floor.width,
            "height": floor.height,
            "plan": floor.plan_image.url if floor.plan_image else "",
        },
        "seats": [
            {
                "id": s.pk,
                "label": s.label,
                "kind": s.kind,
                "amenities": s.amenities,
                "x": s.x,
                "y": s.y,
                "is_active": s.is_active,
            }
            for s in Seat.objects.filter(floor=floor).order_by("label", "id")
        ],
        "zones": [
            {"id": z.pk, "name": z.name, "x": z.x, "y": z.y, "width": z.width, "height": z.height}
            for z in Zone.objects.filter(floor=floor)
        ],
        "kinds": [[value, str(label)] for value, label in Seat.Kind.choices],
        "amenities": [[value, str(label)] for value, label in Seat.Amenity.choices],
        # The member map's glyph sizes, so a seat is drawn here exactly where members see it.
        "glyphs": {**SEAT_GLYPHS, "": DEFAULT_GLYPH},
    }


class FloorEditorMixin(admin.ModelAdmin):
    """For FloorAdmin: the editor on the change page and its JSON endpoint."""

    # Provided by the ModelAdmin this is mixed into.
    has_view_permission: Callable[..., bool]
    has_change_permission: Callable[..., bool]

    change_form_template = "admin/seats/floor/change_form.html"

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/layout/",
                self.admin_site.admin_view(self.layout_view),
                name="seats_floor_layout",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        floor = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if floor is not None:
            context["floor_layout"] = floor_layout(floor)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def layout_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        floor = get_object_or_404(Floor, pk=pk)
        if request.method == "GET":
            if not self.has_view_permission(request, floor):
                raise Http404
            return JsonResponse(floor_layout(floor))
        if request.method != "POST":
            return JsonResponse({"detail": _("Method not allowed.")}, status=405)
        if not self.has_change_permission(request, floor):
            return JsonResponse({"detail": _("You are not allowed to do this.")}, status=403)
        if len(request.body) > MAX_BODY:
            return JsonResponse({"detail": _("The layout is too large.")}, status=413)
        try:
            data = json.loads(request.body)
            seats, zones = data.get("seats", []), data.get("zones", [])
            if not (isinstance(seats, list) and isinstance(zones, list)):
                raise ValueError
            if not all(isinstance(i, dict) for i in [*seats, *zones]):
                raise ValueError
        except (ValueError, AttributeError):
            message = _("Send JSON: {seats: [...], zones: [...]}.")
            return JsonResponse({"detail": message, "errors": {}}, status=400)
        try:
            services.floor_layout_save(floor=floor, seats=seats, zones=zones)
        except DomainError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
            return JsonResponse(
                {"detail": str(exc.message), "errors": errors}, status=exc.status_code
            )
        return JsonResponse(floor_layout(floor))
