"""Seat reads: filtered seat lists and floors with their seats, in natural label order.

Availability in a time window depends on bookings and lives in reservations.selectors.
"""

import re

from django.db.models import Prefetch

from seats.models import Floor, Seat


def seat_label_key(label: str) -> tuple:
    """Natural order for labels: A2 before A10."""
    return tuple(
        int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", label)
    )


def floors_with_seats(*, include_inactive: bool = False) -> list[Floor]:
    """Floors with their seats in natural label order, as ``floor.seat_list``; two queries."""
    seats = Seat.objects.all() if include_inactive else Seat.objects.filter(is_active=True)
    floors: list[Floor] = list(
        Floor.objects.prefetch_related(Prefetch("seats", queryset=seats, to_attr="seat_list"))
    )
    for floor in floors:
        floor.seat_list.sort(key=lambda s: seat_label_key(s.label))  # type: ignore[attr-defined]
    return floors


def seats_filtered(
    *,
    floor: int | None = None,
    kind: str | None = None,
    amenity: str | None = None,
    include_inactive: bool = False,
) -> list[Seat]:
    qs = Seat.objects.select_related("floor")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if floor:
        qs = qs.filter(floor_id=floor)
    if kind:
        qs = qs.filter(kind=kind)
    seats = sorted(qs, key=lambda s: (s.floor.ordering, s.floor_id, seat_label_key(s.label)))
    if amenity:
        # Amenities are a short JSON list; filtering in Python keeps SQLite and PostgreSQL alike.
        wanted = {a for a in amenity.split(",") if a}
        seats = [s for s in seats if wanted <= set(s.amenities)]
    return seats
