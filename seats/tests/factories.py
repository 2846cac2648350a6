"""Floors and seats written directly (no rules), for the tests of every app."""

import itertools

from seats.models import Floor, Seat

_labels = itertools.count(1)


def make_floor(name: str = "Floor 1", **extra) -> Floor:
    return Floor.objects.create(name=name, **extra)


def make_seat(label: str | None = None, floor: Floor | None = None, **extra) -> Seat:
    """A seat on ``floor`` (default: the first floor, created when there is none)."""
    floor = floor or Floor.objects.order_by("pk").first() or make_floor()
    return Seat.objects.create(label=label or f"T{next(_labels)}", floor=floor, **extra)
