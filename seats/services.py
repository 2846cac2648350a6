"""Floors and seats. Invariants: a seat label is unique per floor; a seat or floor with
reservations is never deleted (history stays): it is deactivated instead."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookit.errors import ValidationFailed
from seats.models import Floor, Seat
from seats.signals import floor_deleting, seat_deleting

SEAT_FIELDS = {"label", "floor", "kind", "amenities", "x", "y", "is_active"}


def _clean_amenities(amenities: object) -> list[str]:
    valid = set(Seat.Amenity.values)
    if not isinstance(amenities, list) or not all(isinstance(a, str) for a in amenities):
        raise ValidationFailed(
            _("Amenities must be a list."), errors={"amenities": [_("Amenities must be a list.")]}
        )
    unknown = sorted(set(amenities) - valid)
    if unknown:
        message = _("Unknown amenities: %(names)s.") % {"names": ", ".join(unknown)}
        raise ValidationFailed.on("amenities", message)
    return sorted(set(amenities))


def _save_seat(seat: Seat) -> Seat:
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError:
        message = _("A seat with this label already exists on this floor.")
        raise ValidationFailed.on("label", message) from None
    return seat


def default_floor() -> Floor:
    floor = Floor.objects.order_by("ordering", "id").first()
    return floor or Floor.objects.create(name=_("Main floor"))


def seat_create(
    *,
    label: str,
    x: int,
    y: int,
    floor: Floor | None = None,
    kind: str = Seat.Kind.DESK,
    amenities: list | None = None,
    is_active: bool = True,
) -> Seat:
    seat = Seat(
        label=label.strip(),
        x=x,
        y=y,
        floor=floor or default_floor(),
        kind=kind,
        amenities=_clean_amenities(amenities or []),
        is_active=is_active,
    )
    return _save_seat(seat)


def seat_update(*, seat: Seat, **changes: object) -> Seat:
    for name, value in changes.items():
        if name not in SEAT_FIELDS:
            continue
        if name == "amenities":
            value = _clean_amenities(value)
        setattr(seat, name, value)
    return _save_seat(seat)


def seat_delete(*, seat: Seat) -> None:
    """Delete a seat nobody ever booked; the bookings app refuses others (seat_deleting)."""
    seat_deleting.send(Seat, seat=seat)
    seat.delete()


def floor_delete(*, floor: Floor) -> None:
    """Delete a floor and its seats when none was ever booked (floor_deleting refuses)."""
    floor_deleting.send(Floor, floor=floor)
    with transaction.atomic():
        floor.seats.all().delete()
        floor.delete()
