"""Floors and seats. Invariants: a seat label is unique per floor; a seat or floor with
reservations is never deleted (history stays): it is deactivated instead."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookit.errors import ValidationFailed
from seats.models import Floor, Seat
from seats.signals import floor_deleting, seat_deleting

SEAT_FIELDS = {"label", "floor", "kind", "amenities", "x", "y", "is_active"}
FLOOR_FIELDS = {"name", "ordering", "width", "height", "plan_image"}


def clean_amenities(amenities: object) -> list[str]:
    """The amenity rule, for the services here and for forms that report it on the field."""
    return _clean_amenities(amenities)


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


def _save_floor(floor: Floor) -> Floor:
    floor.name = (floor.name or "").strip()
    if not floor.name:
        message = _("A floor needs a name.")
        raise ValidationFailed(message, errors={"name": [message]})
    floor.save()
    return floor


def floor_create(*, name: str, **fields: object) -> Floor:
    floor = Floor(name=name, **{k: v for k, v in fields.items() if k in FLOOR_FIELDS})
    return _save_floor(floor)


def floor_update(*, floor: Floor, **changes: object) -> Floor:
    for name, value in changes.items():
        if name in FLOOR_FIELDS:
            setattr(floor, name, value)
    return _save_floor(floor)


def floor_delete(*, floor: Floor) -> None:
    """Delete a floor and its seats when none was ever booked (floor_deleting refuses)."""
    floor_deleting.send(Floor, floor=floor)
    with transaction.atomic():
        floor.seats.all().delete()
        floor.delete()
