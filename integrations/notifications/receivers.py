"""Booking, ticket and account events -> outbox rows, written inside the event's transaction.

The insert commits or rolls back with the event, so a message is never announced for a booking
that did not happen and never lost for one that did. What goes where (a member's own choice of
channels narrows it further, see outbox.channels_for):
- bookings: confirmed (also the member's own), changed, cancelled, released as no-show, and
  the reminder (outbox.enqueue_due_reminders) on every chosen channel; a member's own
  cancellation only by email, where it removes the invitation from their calendar (they
  just saw the answer in the app or the chat); check-in confirmations only on Telegram (an
  email for the moment you are at the desk is noise).
- tickets: the author hears about status changes; every staff member about new tickets.
- waitlist offers: a seat held for the first in line, on every chosen channel (Telegram with
  Accept / Decline buttons), until the offer expires.
- seat blocks (issue 17): a booking cancelled or cut short because staff closed the seat, on
  every chosen channel, with the reason.
- accounts: verified (account_event; member_verification_changed's "verified" is the same
  event and is not announced twice), rejected (member_verification_changed: the account is
  deactivated and still told why); staff hear about members waiting for verification. Welcome, "you
  already have an account", password reset and email change go by email whatever the
  preferences: they answer what the member just did.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from accounts.signals import account_event, member_verification_changed
from integrations.models import Notification, NotificationDelivery
from integrations.notifications.outbox import (
    Channel,
    Kind,
    channels_for,
    enqueue,
    notify,
    reservation_payload,
)
from reservations.signals import reservation_changed, waitlist_offered
from tickets.signals import ticket_created, ticket_status_changed

EMAIL_ONLY = [Channel.EMAIL]


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def _only(user: User, channel: str) -> list[str]:
    return [c for c in channels_for(user) if c == channel]


def _keep_calendar(user: User, reservation, channels: list[str] | None) -> list[str] | None:
    """Channels for a change or cancellation of a booking whose invitation was emailed.

    The event is in the member's calendar: it is updated or removed by email even after they
    turned email notifications off (otherwise the calendar keeps a booking that moved or is
    gone). One extra query, only for members who turned email off.
    """
    chosen = channels_for(user) if channels is None else channels
    if Channel.EMAIL in chosen or user.notify_email or not (user.is_active and user.email):
        return channels
    invited = (
        NotificationDelivery.objects.filter(
            channel=Channel.EMAIL,
            notification__user=user,
            notification__kind__in=[Kind.BOOKING_CREATED, Kind.BOOKING_UPDATED],
            notification__payload__reservation=reservation.pk,
        )
        .exclude(status=NotificationDelivery.Status.FAILED)
        .exists()
    )
    return [*chosen, Channel.EMAIL] if invited else channels


@receiver(reservation_changed, dispatch_uid="notifications-reservation")
def on_reservation_changed(
    sender, reservation, action: str, by=None, reason: str = "", **kwargs
) -> None:
    user = reservation.user
    if user is None:
        return
    by_member = by is not None and by.pk == user.pk
    channels = None
    if action == "cancelled" and reason:
        # A seat block (issue 17). Still live: a checked-in booking cut short at the block's
        # start rather than cancelled.
        enqueue(
            user=user,
            kind=Kind.BOOKING_BLOCKED,
            key=f"reservation:{reservation.pk}:{Kind.BOOKING_BLOCKED}",
            payload=reservation_payload(
                reservation, by_staff=True, reason=reason, shortened=reservation.is_live
            ),
            channels=_keep_calendar(user, reservation, None),
        )
        return
    if action == "created":
        kind, key = Kind.BOOKING_CREATED, f"reservation:{reservation.pk}:created"
    elif action == "updated":
        kind = Kind.BOOKING_UPDATED
        key = f"reservation:{reservation.pk}:updated:{reservation.sequence}"
        channels = _keep_calendar(user, reservation, None)
    elif action == "cancelled":
        kind, key = Kind.BOOKING_CANCELLED, f"reservation:{reservation.pk}:cancelled"
        channels = _keep_calendar(
            user, reservation, _only(user, Channel.EMAIL) if by_member else None
        )
    elif action == "restored":
        # An undone cancellation: the booking is announced again where the cancellation was
        # (a member's own undo: email only, so the calendar takes the event back).
        kind = Kind.BOOKING_CREATED
        key = f"reservation:{reservation.pk}:restored:{reservation.sequence}"
        channels = _keep_calendar(
            user, reservation, _only(user, Channel.EMAIL) if by_member else None
        )
    elif action == "checked_in":
        kind, key = Kind.CHECKED_IN, f"reservation:{reservation.pk}:checked_in"
        channels = _only(user, Channel.TELEGRAM)
    elif action == "no_show":
        kind, key = Kind.NO_SHOW, f"reservation:{reservation.pk}:no_show"
    else:
        return
    enqueue(
        user=user,
        kind=kind,
        key=key,
        payload=reservation_payload(reservation, by_staff=not by_member),
        channels=channels,
    )


@receiver(waitlist_offered, dispatch_uid="notifications-waitlist-offer")
def on_waitlist_offered(sender, entry, **kwargs) -> None:
    """A seat freed and is held for the first in line: on every chosen channel (Telegram with
    Accept / Decline buttons); the "my bookings" page shows the offer whatever the channels."""
    hold = entry.reservation
    seat = entry.offered_seat
    notify(
        user=entry.user,
        kind=Kind.WAITLIST_OFFER,
        key=f"waitlist:{entry.pk}:offer:{hold.pk}",
        payload={
            "entry": entry.pk,
            "seat": seat.label,
            "floor": seat.floor.name,
            "start": hold.start.isoformat(),
            "end": hold.end.isoformat(),
            "expires": entry.offer_expires_at.isoformat(),
        },
    )


@receiver(ticket_status_changed, dispatch_uid="notifications-ticket-status")
def on_ticket_status_changed(
    sender, ticket, old_status: str, new_status: str, comment: str = "", by=None, **kwargs
) -> None:
    author = getattr(ticket, "author", None)
    if author is None or old_status == new_status:
        return
    # Each status change is its own event (a ticket may be reopened and resolved again).
    notify(
        user=author,
        kind=Kind.TICKET_STATUS,
        key=f"ticket:{ticket.pk}:{new_status}:{_stamp()}",
        payload={
            "ticket": ticket.pk,
            "subject": ticket.subject,
            "status": new_status,
            "comment": comment or "",
        },
    )


def _staff(exclude: User | None = None):
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk")
    return staff.exclude(pk=exclude.pk) if exclude is not None else staff


@receiver(ticket_created, dispatch_uid="notifications-ticket-created")
def on_ticket_created(sender, ticket, **kwargs) -> None:
    author = ticket.author
    payload = {
        "ticket": ticket.pk,
        "subject": ticket.subject,
        "author": author.get_full_name() if author else "",
    }
    for member in _staff(exclude=author):
        notify(
            user=member,
            kind=Kind.TICKET_CREATED,
            key=f"ticket:{ticket.pk}:created:{member.pk}",
            payload=payload,
        )


def _recently_sent(user: User, kind: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return Notification.objects.filter(user=user, kind=kind, created_at__gte=since).count()


def _tell_staff_member_waits(user: User) -> None:
    if user.is_verified or user.is_staff:
        return
    payload = {"member": user.pk, "name": user.get_full_name(), "email": user.email}
    for member in _staff(exclude=user):
        notify(
            user=member,
            kind=Kind.MEMBER_REGISTERED,
            key=f"user:{user.pk}:registered:{member.pk}",
            payload=payload,
        )


def _send_confirm_link(user: User) -> None:
    """A fresh confirm-your-address link: each registration is its own event."""
    key = f"user:{user.pk}:confirm:{uuid.uuid4().hex}"
    notify(user=user, kind=Kind.CONFIRM_EMAIL, key=key, channels=EMAIL_ONLY)


@receiver(account_event, dispatch_uid="notifications-account")
def on_account_event(sender, user: User, event: str, data: dict | None = None, **kwargs) -> None:
    data = data or {}
    if event == "registered":
        if data.get("via") == "yandex":  # Yandex ID vouches for the address: they are in
            _tell_staff_member_waits(user)
        else:  # no login, and nothing for staff, until the address is confirmed
            _send_confirm_link(user)
    elif event == "register_unconfirmed":
        # Registering again before confirming sends a fresh link, capped like the other
        # account emails (the form can be scripted).
        if _recently_sent(user, Kind.CONFIRM_EMAIL) < settings.ACCOUNT_EMAILS_PER_HOUR:
            _send_confirm_link(user)
    elif event == "email_confirmed":
        _tell_staff_member_waits(user)
    elif event == "register_existing":
        # At most one "you already have an account" per hour: the form can be scripted.
        notify(
            user=user,
            kind=Kind.ACCOUNT_EXISTS,
            key=f"user:{user.pk}:exists:{timezone.now():%Y%m%d%H}",
            channels=EMAIL_ONLY,
        )
    elif event == "verified":
        notify(user=user, kind=Kind.ACCOUNT_VERIFIED, key=f"user:{user.pk}:verified:{_stamp()}")
    elif event in {"password_reset", "email_change"}:
        kind = Kind.PASSWORD_RESET if event == "password_reset" else Kind.EMAIL_CHANGE
        # A cap per account on top of the per-address throttle: nobody can flood a mailbox.
        if _recently_sent(user, kind) >= settings.ACCOUNT_EMAILS_PER_HOUR:
            return
        payload = {"to": data["email"], "email": data["email"]} if "email" in data else {}
        notify(
            user=user,
            kind=kind,
            key=f"user:{user.pk}:{event}:{_stamp()}",
            payload=payload,
            channels=EMAIL_ONLY,
        )
    elif event == "email_changed":
        notify(
            user=user,
            kind=Kind.EMAIL_CHANGED,
            key=f"user:{user.pk}:email_changed:{_stamp()}",
            payload={"to": data["old_email"], "email": user.email},
            channels=EMAIL_ONLY,
        )


@receiver(member_verification_changed, dispatch_uid="notifications-verification")
def on_member_verification_changed(sender, user: User, decision: str, by=None, **kwargs) -> None:
    # "verified" is announced once, from account_event(event="verified"); unverifying is not.
    if decision != "rejected":
        return
    # A registration may be declined, reactivated and declined again: each decision is an event.
    notify(user=user, kind=Kind.MEMBER_REJECTED, key=f"user:{user.pk}:rejected:{_stamp()}")
