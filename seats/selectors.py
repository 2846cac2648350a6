"""Seat reads: filtered seat lists and floors with their seats, in natural label order.

Availability in a time window depends on bookings and lives in reservations.selectors.
"""

import functools
import re
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch

from seats.models import FavouriteSeat, Floor, Seat

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# Labels are a small, slowly changing set and the key is pure: caching it is always correct.
@functools.lru_cache(maxsize=8192)
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
    # Two joined columns (for the sort and for labels), not a Floor instance per seat.
    qs = Seat.objects.annotate(
        floor_ordering=F("floor__ordering"), floor_name=F("floor__name")
    ).order_by()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if floor:
        qs = qs.filter(floor_id=floor)
    if kind:
        qs = qs.filter(kind=kind)
    ordered = sorted(qs, key=lambda s: (s.floor_ordering, s.floor_id, seat_label_key(s.label)))
    seats: list[Seat] = list(ordered)
    if amenity:
        # Amenities are a short JSON list; filtering in Python keeps SQLite and PostgreSQL alike.
        wanted = {a for a in amenity.split(",") if a}
        seats = [s for s in seats if wanted <= set(s.amenities)]
    return seats


def favourite_seat_ids(user: "User | AnonymousUser | None") -> set[int]:
    """The ids of the member's favourite seats (one query; none for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(FavouriteSeat.objects.filter(user=user).values_list("seat_id", flat=True))
