"""iCalendar invitations (iTIP/iMIP, RFC 5546/6047) for booking emails, built with icalendar.

The UID is the one of the booking's .ics file and calendar feed (reservations/calendar.py), so
every copy of a booking is the same event. SEQUENCE is the reservation's own counter, raised by
every change and by the cancellation: a calendar app replaces the event it holds with the
higher one, and METHOD:CANCEL removes it.
"""

import datetime as dt
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event, vCalAddress, vText

from bookit.links import absolute
from reservations.calendar import event_uid


def organizer_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1] or "bookit@localhost"


def build_invitation(
    payload: dict[str, Any], *, user, cancelled: bool, stamp: dt.datetime
) -> tuple[str, bytes]:
    """(method, .ics bytes) for the booking in ``payload`` (see outbox.reservation_payload)."""
    method = "CANCEL" if cancelled else "REQUEST"
    with override(user.language):
        summary = _("BookIT: seat %(seat)s") % {"seat": payload["seat"]}
        description = _("Show the QR code from My bookings at check-in: %(url)s") % {
            "url": absolute("/bookings/")
        }
    calendar = Calendar()
    calendar.add("prodid", "-//BookIT//Coworking bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", event_uid(payload["reservation"]))
    event.add("sequence", payload.get("sequence", 0))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", dt.datetime.fromisoformat(payload["start"]).astimezone(dt.UTC))
    event.add("dtend", dt.datetime.fromisoformat(payload["end"]).astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("location", f"{payload['floor']}, {payload['seat']}")
    event.add("description", description)
    event.add("url", absolute("/bookings/"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = vText("BookIT")
    event.add("organizer", organizer)
    # The member made (or was given) the booking: it is accepted already, no RSVP asked.
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name())
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return method, calendar.to_ical()
