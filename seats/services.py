"""Floors and seats. Invariants: a seat label is unique per floor; a seat or floor with
reservations is never deleted (history stays): it is deactivated instead."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from bookit.errors import DomainError, NotFound, ValidationFailed
from seats import messages as msg
from seats.models import FavouriteSeat, Floor, Seat, Zone
from seats.signals import floor_deleting, seat_deleting

if TYPE_CHECKING:
    from accounts.models import User

SEAT_FIELDS = {"label", "floor", "kind", "amenities", "x", "y", "is_active"}
FLOOR_FIELDS = {"name", "ordering", "width", "height", "plan_image"}


def clean_amenities(amenities: object) -> list[str]:
    """The amenity rule, for the services here and for forms that report it on the field."""
    return _clean_amenities(amenities)


def _clean_amenities(amenities: object) -> list[str]:
    valid = set(Seat.Amenity.values)
    if not isinstance(amenities, list) or not all(isinstance(a, str) for a in amenities):
        raise ValidationFailed.on("amenities", msg.AMENITIES_NOT_A_LIST)
    unknown = sorted(set(amenities) - valid)
    if unknown:
        raise ValidationFailed.on("amenities", msg.unknown_amenities(unknown))
    return sorted(set(amenities))


LABEL_MAX = Seat._meta.get_field("label").max_length or 20
ZONE_NAME_MAX = Zone._meta.get_field("name").max_length or 60


def _check_coordinate(field: str, value: object) -> int:
    """A map coordinate or size: a whole number in the floor's units (JSON may send anything)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
        raise ValidationFailed.on(field, msg.not_a_coordinate(field))
    return value


def _save_seat(seat: Seat) -> Seat:
    seat.label = (seat.label or "").strip()
    if not seat.label or len(seat.label) > LABEL_MAX:
        raise ValidationFailed.on("label", msg.SEAT_LABEL)
    if seat.kind not in Seat.Kind.values:
        raise ValidationFailed.on("kind", msg.UNKNOWN_SEAT_KIND)
    for field in ("x", "y"):
        _check_coordinate(field, getattr(seat, field))
    if not isinstance(seat.is_active, bool):
        raise ValidationFailed.on("is_active", msg.ACTIVE_NOT_BOOLEAN)
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError:
        raise ValidationFailed.on("label", msg.SEAT_LABEL_TAKEN) from None
    return seat


def default_floor() -> Floor:
    floor = Floor.objects.order_by("ordering", "id").first()
    return floor or Floor.objects.create(name=str(msg.MAIN_FLOOR))


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
        raise ValidationFailed.on("name", msg.FLOOR_NAME)
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


# --- The floor editor's layout save ----------------------------------------------------------


def _clean_zone(data: dict) -> dict[str, str | int]:
    name = str(data.get("name") or "").strip()
    if not name or len(name) > ZONE_NAME_MAX:
        raise ValidationFailed.on("name", msg.ZONE_NAME)
    values: dict[str, str | int] = {"name": name}
    for field in ("x", "y", "width", "height"):
        values[field] = _check_coordinate(field, data.get(field))
    if values["width"] == 0 or values["height"] == 0:
        raise ValidationFailed.on("width", msg.ZONE_SIZE)
    return values


def floor_layout_save(*, floor: Floor, seats: list[dict], zones: list[dict]) -> None:
    """Apply the floor editor's changes in one transaction, through the seat services.

    ``seats``: items with ``id`` (omit for a new seat) and any of SEAT_FIELDS, or
    ``{"id": …, "delete": true}``; ``zones`` alike with name, x, y, width, height. A rule
    broken by any item (a duplicate label, a seat with bookings deleted) rolls everything back
    and the error names the item (``seats.<index>.<field>``), so the editor can point at it.
    """
    with transaction.atomic():
        existing = {s.pk: s for s in Seat.objects.select_for_update().filter(floor=floor)}
        # Deletions first: a label freed by a removed seat may be given to another one.
        order = sorted(range(len(seats)), key=lambda i: not seats[i].get("delete"))
        for index in order:
            _apply_seat(floor, existing, seats[index], index=index)
        zone_rows = {z.pk: z for z in Zone.objects.filter(floor=floor)}
        for index, item in enumerate(zones):
            try:
                pk = item.get("id")
                if pk is not None and pk not in zone_rows:
                    raise NotFound(msg.ZONE_NOT_ON_FLOOR)
                if item.get("delete"):
                    if pk is not None:
                        zone_rows[pk].delete()
                    continue
                values = _clean_zone(item)
                if pk is None:
                    Zone.objects.create(floor=floor, **values)
                else:
                    Zone.objects.filter(pk=pk).update(**values)
            except DomainError as exc:
                raise _itemised(exc, "zones", index) from None


def _apply_seat(floor: Floor, existing: dict, item: dict, *, index: int) -> None:
    try:
        pk = item.get("id")
        if pk is not None and pk not in existing:
            raise NotFound(msg.SEAT_NOT_ON_FLOOR)
        if item.get("delete"):
            if pk is not None:
                seat_delete(seat=existing[pk])
            return
        changes = {k: v for k, v in item.items() if k in SEAT_FIELDS - {"floor"}}
        if pk is None:
            seat_create(floor=floor, **{"label": "", "x": 0, "y": 0, **changes})
        else:
            seat_update(seat=existing[pk], **changes)
    except DomainError as exc:
        raise _itemised(exc, "seats", index) from None


def _itemised(exc: DomainError, group: str, index: int) -> DomainError:
    """The same error, its fields prefixed by the item: ``seats.3.label``."""
    errors = {f"{group}.{index}.{field}": list(msgs) for field, msgs in exc.errors.items()}
    errors = errors or {f"{group}.{index}": [exc.message]}
    return type(exc)(exc.message, errors=errors, extra=exc.extra)


# --- Favourites -------------------------------------------------------------------------------


def favourite_add(*, user: "User", seat: Seat) -> None:
    """Star ``seat`` for ``user``; starring it again changes nothing (idempotent)."""
    if not seat.is_active:
        raise ValidationFailed.on("seat", msg.SEAT_NOT_BOOKABLE)
    FavouriteSeat.objects.get_or_create(user=user, seat=seat)


def favourite_remove(*, user: "User", seat: Seat) -> None:
    """Unstar; a seat that was not starred is fine too (idempotent)."""
    FavouriteSeat.objects.filter(user=user, seat=seat).delete()
