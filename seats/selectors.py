"""Seat reads: filtered seat lists and floors with their seats, in natural label order.

Availability in a time window depends on bookings and lives in reservations.selectors.
"""

import functools
import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.db import connection
from django.db.models import F, Prefetch

from bookit import rows as sql_rows
from seats.models import FavouriteSeat, Floor, Seat, Zone

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


class SeatRow(NamedTuple):
    """A seat as the availability list and the floor map read it: the columns, no model.

    The two hottest reads (``GET api/seat?start=&end=`` and the map page) list every seat on
    every request; a ``Seat`` instance per seat, its JSON field decoded each time and the ORM
    compiling the query were most of their cost (issue 15). Same attribute names as ``Seat``
    for what those reads use, plus the floor's name and ordering and whether the caller starred
    the seat. ``amenities`` is a tuple shared between rows with the same amenities."""

    id: int
    floor_id: int
    label: str
    kind: str
    amenities: tuple[str, ...]
    x: int
    y: int
    is_active: bool
    floor_ordering: int
    floor_name: str
    favourite: bool

    @property
    def pk(self) -> int:
        return self.id


@functools.lru_cache(maxsize=1024)
def _amenities(text: str | None) -> tuple[str, ...]:
    # A handful of distinct lists on a whole floor: each is decoded once per process.
    return tuple(json.loads(text)) if text else ()


# The columns of SeatRow, in order; the one parameter is the viewer's id (NULL: no favourites).
SEAT_ROWS_SQL = """
SELECT s.id, s.floor_id, s.label, s.kind, s.amenities, s.x, s.y, s.is_active,
       f.ordering, f.name,
       EXISTS (SELECT 1 FROM seats_favouriteseat fs WHERE fs.seat_id = s.id AND fs.user_id = %s)
FROM seats_seat s JOIN seats_floor f ON f.id = s.floor_id
"""


def seat_rows(
    *,
    viewer: "User | AnonymousUser | None" = None,
    floor: int | None = None,
    kind: str | None = None,
    amenity: str | None = None,
    include_inactive: bool = False,
) -> list[SeatRow]:
    """The seats ``seats_filtered()`` lists, as rows with the viewer's favourites; one query.

    Written as SQL once (the same on SQLite and PostgreSQL): a test holds it to
    ``seats_filtered()`` and ``favourite_seat_ids()``."""
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    where: list[str] = []
    params: list[int | str | None] = [viewer_id]
    if not include_inactive:
        where.append("s.is_active")
    if floor:
        where.append("s.floor_id = %s")
        params.append(floor)
    if kind:
        where.append("s.kind = %s")
        params.append(kind)
    sql = SEAT_ROWS_SQL + (" WHERE " + " AND ".join(where) if where else "")
    cursor = sql_rows.cursor(connection.alias)
    cursor.execute(sql, params)
    raw = cursor.fetchall()
    new = tuple.__new__  # SeatRow's own __new__, without its Python frame per seat
    rows = [
        new(SeatRow, (i, f, label, k, _amenities(a), x, y, bool(active), o, name, bool(fav)))
        for i, f, label, k, a, x, y, active, o, name, fav in raw
    ]
    return _in_order_with(rows, amenity)


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
    return _in_order_with(list(qs), amenity)


_S = TypeVar("_S", Seat, SeatRow)


def _order(seat: Any) -> tuple:
    # floor_ordering: a SeatRow column, or seats_filtered()'s annotation on a Seat.
    return (seat.floor_ordering, seat.floor_id, seat_label_key(seat.label))


def _in_order_with(seats: list[_S], amenity: str | None) -> list[_S]:
    """Floor by floor (the floor's ordering), natural label order within one; only the seats
    with every amenity of ``amenity`` (comma-separated). Amenities are a short JSON list:
    filtering in Python keeps SQLite and PostgreSQL alike."""
    seats.sort(key=_order)
    if amenity:
        wanted = {a for a in amenity.split(",") if a}
        seats = [s for s in seats if wanted <= set(s.amenities)]
    return seats


def favourite_seat_ids(user: "User | AnonymousUser | None") -> set[int]:
    """The ids of the member's favourite seats (one query; none for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(FavouriteSeat.objects.filter(user=user).values_list("seat_id", flat=True))


ZONE_ORDER = ("floor_id", "name", "id")  # Zone.Meta.ordering


def floor_zones(floor_id: int) -> list[Zone]:
    """``floor.zones.all()`` (Meta.ordering) as a hand-written statement: compiling the
    queryset cost the map page more than running it (bookit.rows, issue 15)."""
    table = connection.ops.quote_name(Zone._meta.db_table)
    order = ", ".join(f"{table}.{connection.ops.quote_name(c)}" for c in ZONE_ORDER)
    sql = (
        f"SELECT {sql_rows.columns(Zone)} FROM {table} WHERE {table}.floor_id = %s ORDER BY {order}"
    )
    cursor = sql_rows.cursor(connection.alias)
    cursor.execute(sql, [floor_id])
    fetched = cursor.fetchall()
    return [sql_rows.instance(Zone, row) for row in fetched]
