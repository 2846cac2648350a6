"""The live state of a kiosk's floor: what a front-desk screen shows at a glance.

Three queries: the booking policy, the seats, today's bookings with their members.

Per seat: free / booked / checked_in now; until when it is free (the next booking today, or
closing time) or busy (the end of the current booking); the holder's first name only when
that member opted in to ``show_on_map``; the desk-page URL its "scan to book" code opens.
A booked reservation past its check-in grace is a no-show and holds nothing (Reservation
.live), so the screen frees the seat at once, before release_no_shows marks it.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from reservations.models import Reservation
from reservations.policy import get_policy
from seats.models import Floor, Seat
from seats.selectors import seat_label_key
from seats.tokens import seat_desk_url

GLYPH: dict[str, tuple[int, int]] = {Seat.Kind.MEETING_ROOM: (104, 64)}
DEFAULT_GLYPH = (64, 44)


def _iso(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    return timezone.localtime(value, tz).isoformat() if value is not None else None


def _hhmm(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    return timezone.localtime(value, tz).strftime("%H:%M") if value is not None else ""


def _caption(
    state: str,
    free_until: dt.datetime | None,
    busy_until: dt.datetime | None,
    holder: str | None,
    tz: dt.tzinfo,
) -> str:
    """The line under a seat; computed here so the page and its script say the same thing."""
    if state == "free":
        if free_until is None:
            return _("Free")
        return _("Free until %(time)s") % {"time": _hhmm(free_until, tz)}
    until = _hhmm(busy_until, tz)
    if state == "checked_in":
        text = _("In use until %(time)s") % {"time": until}
    else:
        text = _("Booked until %(time)s") % {"time": until}
    return f"{holder} · {text}" if holder else text


def floor_state(*, floor: Floor, now: dt.datetime | None = None) -> dict:
    policy = get_policy()
    tz = policy.tz
    now = now or timezone.now()
    local = timezone.localtime(now, tz)
    opens = dt.datetime.combine(local.date(), policy.opens_at, tz)
    closes = dt.datetime.combine(local.date(), policy.closes_at, tz)
    is_open = opens <= local < closes
    seats = sorted(
        Seat.objects.filter(floor=floor, is_active=True), key=lambda s: seat_label_key(s.label)
    )
    # Today's live bookings that have not ended, in start order.
    bookings = (
        Reservation.objects.live(now=now)
        .filter(seat__floor=floor, end__gt=now, start__lt=closes)
        .select_related("user")
        .order_by("start")
    )
    current: dict[int, Reservation] = {}
    upcoming: dict[int, Reservation] = {}
    for booking in bookings:
        if booking.start <= now:
            current.setdefault(booking.seat_id, booking)
        else:
            upcoming.setdefault(booking.seat_id, booking)
    rows = []
    counts = {"free": 0, "booked": 0, "checked_in": 0}
    for seat in seats:
        now_booking, next_booking = current.get(seat.pk), upcoming.get(seat.pk)
        if now_booking is None:
            state = "free"
            free_until = next_booking.start if next_booking else (closes if is_open else None)
            busy_until, holder = None, None
        else:
            # booked | checked_in; a seat held for a waitlist offer shows as booked (nobody's name).
            state = "booked" if now_booking.status == "held" else now_booking.status
            free_until, busy_until = None, now_booking.end
            user = now_booking.user
            holder = user.first_name if user is not None and user.show_on_map else None
        counts[state] += 1
        caption = _caption(state, free_until, busy_until, holder, tz)
        width, height = GLYPH.get(seat.kind, DEFAULT_GLYPH)
        rows.append(
            {
                "id": seat.pk,
                "label": seat.label,
                "kind": seat.kind,
                "kind_label": str(seat.get_kind_display()),
                "x": seat.x,
                "y": seat.y,
                "w": width,
                "h": height,
                "left": seat.x - width // 2,
                "top": seat.y - height // 2,
                "caption_y": seat.y + height // 2 + 16,
                "state": state,
                "free_until": _iso(free_until, tz),
                "free_until_label": _hhmm(free_until, tz),
                "busy_until": _iso(busy_until, tz),
                "busy_until_label": _hhmm(busy_until, tz),
                "holder": holder,
                "next_start": _iso(next_booking.start if next_booking else None, tz),
                "book_url": seat_desk_url(seat.pk),
                "caption": caption,
            }
        )
    return {
        "floor": {"id": floor.pk, "name": floor.name, "width": floor.width, "height": floor.height},
        "now": local.isoformat(),
        "time_label": local.strftime("%H:%M"),
        "is_open": is_open,
        "opens_at": policy.opens_at.strftime("%H:%M"),
        "closes_at": policy.closes_at.strftime("%H:%M"),
        "counts": counts,
        "seats": rows,
    }


def featured_seat(state: dict) -> dict | None:
    """The free seat whose "scan to book" code the screen shows: a new one every minute."""
    free = [row for row in state["seats"] if row["state"] == "free"]
    if not free:
        return None
    minute = dt.datetime.fromisoformat(state["now"]).minute
    return free[minute % len(free)]
