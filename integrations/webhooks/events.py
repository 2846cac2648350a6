"""The event catalogue and the `data` of each event type (the contract receivers rely on)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_TYPES: dict[str, str | Promise] = {
    "reservation.created": _("A booking was made"),
    "reservation.updated": _("A booking was moved or changed"),
    "reservation.cancelled": _("A booking was cancelled"),
    "reservation.restored": _("A cancellation was undone: the booking holds again"),
    "reservation.checked_in": _("A member checked in"),
    "reservation.no_show": _("A booking lapsed as a no-show"),
    "ticket.created": _("A ticket was filed"),
    "ticket.status_changed": _("A ticket changed status"),
    "member.verified": _("Staff verified a member"),
}


def _member(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def reservation_data(reservation) -> dict:
    seat = reservation.seat
    return {
        "id": reservation.pk,
        "status": reservation.status,
        "start": reservation.start.isoformat(),
        "end": reservation.end.isoformat(),
        "seat": {"id": seat.pk, "label": seat.label, "floor": seat.floor_id},
        "user": _member(reservation.user),
    }


def ticket_data(ticket, *, old_status: str | None = None) -> dict:
    data = {
        "id": ticket.pk,
        "subject": ticket.subject,
        "category": ticket.category,
        "status": ticket.status,
        "seat": ticket.seat_id,
        "reservation": ticket.reservation_id,
        "author": _member(ticket.author),
    }
    if old_status is not None:
        data["old_status"] = old_status
        data["comment"] = ticket.staff_comment or ""
    return data


def member_data(user, *, by=None) -> dict:
    data = _member(user) or {}
    data["verified_at"] = user.verified_at.isoformat() if user.verified_at else None
    data["verified_by"] = by.pk if by is not None else None
    return data
