"""The size of a seat's glyph on the floor plan, in plan units: the member's map and the staff's
floor editor draw seats alike, so an edit looks the way members will see it."""

from seats.models import Seat

GLYPH = {Seat.Kind.MEETING_ROOM: (104, 64)}
DEFAULT_GLYPH = (64, 44)
