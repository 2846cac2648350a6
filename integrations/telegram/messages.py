"""The texts the bot sends, rendered in the member's language at send time."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from reservations.policy import get_policy
from tickets.models import Ticket


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, get_policy().tz)


def format_window(start: dt.datetime, end: dt.datetime) -> str:
    start, end = local(start), local(end)
    return f"{start:%d.%m} {start:%H:%M}–{end:%H:%M}"


def reservation_payload(reservation) -> dict[str, Any]:
    seat = reservation.seat
    return {
        "reservation": reservation.pk,
        "seat": seat.label,
        "floor": seat.floor.display_name,
        "start": reservation.start.isoformat(),
        "end": reservation.end.isoformat(),
    }


def reservation_line(payload: dict[str, Any]) -> str:
    window = format_window(
        dt.datetime.fromisoformat(payload["start"]), dt.datetime.fromisoformat(payload["end"])
    )
    return _("Seat %(seat)s (%(floor)s), %(window)s") % {
        "seat": payload["seat"],
        "floor": payload["floor"],
        "window": window,
    }


def ticket_status_label(status: str) -> str:
    return str(dict(Ticket.Status.choices).get(status, status))


def cancel_button(reservation_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Cancel booking"), callback_data=f"c:{reservation_id}")]]
    )


def render_notification(
    kind: str, payload: dict[str, Any], language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """(text, keyboard) for an outbox row, in ``language``."""
    with override(language):
        if kind == "ticket_status":
            text = _("Ticket #%(id)s “%(subject)s”: %(status)s.") % {
                "id": payload["ticket"],
                "subject": payload["subject"],
                "status": ticket_status_label(payload["status"]),
            }
            if payload.get("comment"):
                text += "\n" + _("Comment: %(comment)s") % {"comment": payload["comment"]}
            return text, None
        if kind == "member_verified":
            return _("Your BookIT account is verified: you can book seats now."), None
        if kind == "member_rejected":
            return _("Staff declined your BookIT registration. Ask at the front desk why."), None
        line = reservation_line(payload)
        markup = None
        if kind == "booking_created":
            text = _("Staff booked a seat for you: %(line)s.") % {"line": line}
            markup = cancel_button(payload["reservation"])
        elif kind == "booking_cancelled":
            text = _("Staff cancelled your booking: %(line)s.") % {"line": line}
        elif kind == "booking_blocked" and payload.get("shortened"):
            text = _(
                "Your booking now ends at %(end)s, the seat is closed: %(reason)s. %(line)s."
            ) % {
                "end": f"{local(dt.datetime.fromisoformat(payload['end'])):%H:%M}",
                "reason": payload.get("reason", ""),
                "line": line,
            }
        elif kind == "booking_blocked":
            text = _("Your booking is cancelled, the seat is closed: %(reason)s. %(line)s.") % {
                "reason": payload.get("reason", ""),
                "line": line,
            }
        elif kind == "checked_in":
            text = _("You are checked in: %(line)s. Have a good day!") % {"line": line}
        elif kind == "no_show":
            text = _("You did not check in, so the booking was released: %(line)s.") % {
                "line": line
            }
        elif kind == "reminder":
            text = _("Reminder: your booking starts soon. %(line)s.") % {"line": line}
            markup = cancel_button(payload["reservation"])
        else:
            text = line
        return text, markup
