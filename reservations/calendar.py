"""iCalendar (RFC 5545) files for bookings, written by hand: one booking or a member's feed.

Only what calendar apps need: VCALENDAR with one VEVENT per booking, UTC times, escaped text,
CRLF line endings and lines folded at 75 octets.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bookit.links import site_url
from reservations.models import Reservation

CRLF = "\r\n"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return (CRLF + " ").join(out)


def format_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _host(site: str) -> str:
    return site.split("://", 1)[-1].split("/", 1)[0] or "bookit"


def event_uid(reservation_id: int) -> str:
    """The booking's UID in every calendar: the .ics file, the feed and email invitations.

    It names SITE_URL's host (or "bookit"), never the request's: the same booking reached on two
    addresses must stay one event in the member's calendar."""
    return f"reservation-{reservation_id}@{_host(settings.SITE_URL)}"


def event_lines(reservation: Reservation, *, stamp: dt.datetime, site: str) -> list[str]:
    """One VEVENT; ``site`` is the origin its link uses (bookit.links.site_url)."""
    seat = reservation.seat
    summary = _("BookIT: seat %(seat)s") % {"seat": seat.label}
    location = f"{seat.floor.display_name}, {seat.label}"
    description = _("Seat %(seat)s (%(kind)s). Show the QR code from My bookings at check-in.") % {
        "seat": seat.label,
        "kind": seat.get_kind_display(),
    }
    status = "CANCELLED" if reservation.status == Reservation.Status.CANCELLED else "CONFIRMED"
    return [
        "BEGIN:VEVENT",
        f"UID:{event_uid(reservation.pk)}",
        f"SEQUENCE:{reservation.sequence}",
        f"DTSTAMP:{format_utc(stamp)}",
        f"DTSTART:{format_utc(reservation.start)}",
        f"DTEND:{format_utc(reservation.end)}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"STATUS:{status}",
        f"URL:{site}/bookings/",
        "END:VEVENT",
    ]


def build_calendar(
    reservations: Iterable[Reservation],
    *,
    name: str,
    now: dt.datetime | None = None,
    site: str | None = None,
) -> str:
    """The whole .ics text; reservations need seat and seat.floor loaded."""
    stamp = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//BookIT//Coworking bookings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for reservation in reservations:
        lines += event_lines(reservation, stamp=stamp, site=site or site_url())
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
