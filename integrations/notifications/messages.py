"""What each notification says, in the member's language, for every channel.

One text per kind: Telegram sends the body (with its own buttons), email wraps the same body
in a greeting, the one action the message is about, and a footer. Links that carry a secret
(password reset, email change) are made at send time, so the outbox never stores them.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from bookit.links import absolute
from reservations.policy import get_policy
from tickets.models import Ticket

BOOKING_KINDS = {"booking_created", "booking_updated", "booking_cancelled"}


@dataclass
class Message:
    subject: str
    body: list[str]
    action_label: str = ""
    action_url: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.body)


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, get_policy().tz)


def format_window(start: dt.datetime, end: dt.datetime) -> str:
    start, end = local(start), local(end)
    return f"{start:%d.%m} {start:%H:%M}–{end:%H:%M}"


def payload_window(payload: dict[str, Any]) -> str:
    return format_window(
        dt.datetime.fromisoformat(payload["start"]), dt.datetime.fromisoformat(payload["end"])
    )


def reservation_line(payload: dict[str, Any]) -> str:
    return _("Seat %(seat)s (%(floor)s), %(window)s") % {
        "seat": payload["seat"],
        "floor": _(payload["floor"]) if payload["floor"] else "",  # the demo's names translate
        "window": payload_window(payload),
    }


def ticket_status_label(status: str) -> str:
    return str(dict(Ticket.Status.choices).get(status, status))


def site_url(path: str) -> str:
    return absolute(path)  # SITE_URL, or the host of the request being served


def _booking(kind: str, payload: dict[str, Any]) -> Message:
    line = reservation_line(payload)
    names = {"seat": payload["seat"], "window": payload_window(payload)}
    bookings = (_("My bookings"), site_url(reverse("reservations:list")))
    by_staff = payload.get("by_staff", True)
    if kind == "booking_created":
        text = (
            _("Staff booked a seat for you: %(line)s.")
            if by_staff
            else _("Your booking is confirmed: %(line)s.")
        )
        return Message(
            _("Booking confirmed: seat %(seat)s, %(window)s") % names,
            [text % {"line": line}],
            *bookings,
        )
    if kind == "booking_updated":
        return Message(
            _("Booking changed: seat %(seat)s, %(window)s") % names,
            [_("Your booking has changed: %(line)s.") % {"line": line}],
            *bookings,
        )
    if kind == "booking_cancelled":
        text = (
            _("Staff cancelled your booking: %(line)s.")
            if by_staff
            else _("Your booking is cancelled: %(line)s.")
        )
        return Message(
            _("Booking cancelled: seat %(seat)s, %(window)s") % names,
            [text % {"line": line}],
            _("Book another seat"),
            site_url("/"),
        )
    if kind == "booking_blocked":
        reason = payload.get("reason", "")
        if payload.get("shortened"):
            end = f"{local(dt.datetime.fromisoformat(payload['end'])):%H:%M}"
            text = _(
                "Your booking now ends at %(end)s, the seat is closed: %(reason)s. %(line)s."
            ) % {"end": end, "reason": reason, "line": line}
            subject = _("Booking shortened: seat %(seat)s closed") % names
        else:
            text = _("Your booking is cancelled, the seat is closed: %(reason)s. %(line)s.") % {
                "reason": reason,
                "line": line,
            }
            subject = _("Booking cancelled: seat %(seat)s closed") % names
        return Message(subject, [text], _("Book another seat"), site_url("/"))
    if kind == "checked_in":
        return Message(
            _("Checked in: seat %(seat)s") % names,
            [_("You are checked in: %(line)s. Have a good day!") % {"line": line}],
        )
    if kind == "no_show":
        return Message(
            _("Booking released: seat %(seat)s, %(window)s") % names,
            [_("You did not check in, so the booking was released: %(line)s.") % {"line": line}],
            _("Book again"),
            site_url("/"),
        )
    # reminder
    return Message(
        _("Reminder: seat %(seat)s, %(window)s") % names,
        [_("Reminder: your booking starts soon. %(line)s.") % {"line": line}],
        *bookings,
    )


def _ticket(kind: str, payload: dict[str, Any]) -> Message:
    names = {"id": payload["ticket"], "subject": payload["subject"]}
    if kind == "ticket_created":
        return Message(
            _("New ticket #%(id)s: %(subject)s") % names,
            [
                _("New ticket #%(id)s from %(author)s: “%(subject)s”.")
                % {**names, "author": payload.get("author", "")}
            ],
            _("Open the ticket"),
            site_url(reverse("admin:tickets_ticket_change", args=[payload["ticket"]])),
        )
    status = ticket_status_label(payload["status"])
    body = [_("Ticket #%(id)s “%(subject)s”: %(status)s.") % {**names, "status": status}]
    if payload.get("comment"):
        body.append(_("Comment: %(comment)s") % {"comment": payload["comment"]})
    return Message(
        _("Ticket #%(id)s: %(status)s") % {**names, "status": status},
        body,
        _("Open the ticket"),
        site_url(reverse("tickets:detail", args=[payload["ticket"]])),
    )


def _account(kind: str, payload: dict[str, Any], user) -> Message:
    from accounts import services_credentials as accounts

    if kind == "account_verified":
        return Message(
            _("Your BookIT account is verified"),
            [_("Staff verified your account: you can book seats now.")],
            _("Book a seat"),
            site_url("/"),
        )
    if kind == "member_rejected":
        return Message(
            _("Your BookIT registration was declined"),
            [_("Staff declined your BookIT registration. Ask at the front desk why.")],
        )
    if kind == "member_registered":
        return Message(
            _("New member waiting for verification: %(email)s") % payload,
            [
                _("%(name)s (%(email)s) registered and is waiting for verification.")
                % {"name": payload.get("name") or payload["email"], "email": payload["email"]}
            ],
            _("Verify in the admin"),
            site_url(reverse("admin:accounts_user_change", args=[payload["member"]])),
        )
    if kind == "confirm_email":
        return Message(
            _("Confirm your email address for BookIT"),
            [
                _(
                    "Open the link within %(hours)d hours to confirm this address and finish "
                    "registering, then log in with it and your password."
                )
                % {"hours": accounts.REGISTRATION_CONFIRM_MAX_AGE // 3600},
                _("Staff will verify your account before you can book seats."),
                _("If you did not register, ignore this email: the account stays locked."),
            ],
            _("Confirm my email address"),
            site_url(accounts.registration_confirm_path(user=user)),
        )
    if kind == "welcome":
        return Message(
            _("Welcome to BookIT"),
            [
                _("Your account is ready: log in with this email address."),
                _("Staff will verify your account before you can book seats."),
            ],
            _("Log in"),
            site_url(reverse("accounts:login")),
        )
    if kind == "account_exists":
        return Message(
            _("You already have a BookIT account"),
            [
                _(
                    "Someone, perhaps you, tried to register a BookIT account with this email "
                    "address. You already have one: log in, or choose a new password if you "
                    "forgot it."
                ),
                _("If it was not you, ignore this email: nothing has changed."),
            ],
            _("Choose a new password"),
            site_url(reverse("accounts:password-reset")),
        )
    if kind == "password_reset":
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        return Message(
            _("Reset your BookIT password"),
            [
                _(
                    "Open the link to choose a new password for your BookIT account. It works "
                    "once, for %(hours)d hours."
                )
                % {"hours": hours},
                _("If you did not ask for this, ignore this email: your password stays."),
            ],
            _("Choose a new password"),
            site_url(accounts.password_reset_path(user=user)),
        )
    if kind == "email_change":
        return Message(
            _("Confirm your new email address"),
            [
                _("Open the link within %(hours)d hours to use %(email)s for your BookIT account.")
                % {"hours": accounts.EMAIL_CHANGE_MAX_AGE // 3600, "email": payload["email"]},
                _("If you did not ask for this, ignore this email."),
            ],
            _("Confirm the new address"),
            site_url(accounts.email_change_path(user=user, email=payload["email"])),
        )
    # email_changed, to the old address
    return Message(
        _("Your BookIT email address was changed"),
        [
            _("The email address of your BookIT account is now %(email)s.") % payload,
            _("If you did not do this, choose a new password and tell the staff."),
        ],
        _("Choose a new password"),
        site_url(reverse("accounts:password-reset")),
    )


def _waitlist(payload: dict[str, Any]) -> Message:
    names = {"seat": payload["seat"], "window": payload_window(payload)}
    expires = f"{local(dt.datetime.fromisoformat(payload['expires'])):%H:%M}"
    return Message(
        _("A seat is free for you: seat %(seat)s, %(window)s") % names,
        [
            _("Seat %(seat)s (%(floor)s), %(window)s, freed and is held for you until %(time)s.")
            % {**names, "floor": payload["floor"], "time": expires},
            _("Accept it before then, or it goes to the next in line."),
        ],
        _("Accept or decline"),
        site_url(reverse("reservations:list") + "#waitlist"),
    )


def render(kind: str, payload: dict[str, Any], *, user) -> Message:
    """The message for an outbox row, in ``user.language``."""
    with override(user.language):
        if kind in BOOKING_KINDS or kind in {
            "checked_in",
            "no_show",
            "reminder",
            "booking_blocked",
        }:
            return _booking(kind, payload)
        if kind in {"ticket_status", "ticket_created"}:
            return _ticket(kind, payload)
        if kind == "waitlist_offer":
            return _waitlist(payload)
        return _account(kind, payload, user)
