"""Booking and ticket events -> outbox rows, written inside the event's own transaction.

The insert commits or rolls back with the booking, so a message is never announced for a
booking that did not happen and never lost for one that did. ON CONFLICT DO NOTHING (via
``ignore_conflicts``) makes a repeated event a no-op without breaking the outer transaction.
"""

from django.dispatch import receiver

from accounts.signals import member_verification_changed
from integrations.telegram import outbox
from reservations.signals import reservation_changed
from tickets.signals import ticket_status_changed


@receiver(reservation_changed, dispatch_uid="telegram-outbox-reservation")
def on_reservation_changed(
    sender, reservation, action: str, by=None, reason: str = "", **kwargs
) -> None:
    user = reservation.user
    if user is None or user.telegram_id is None:
        return
    by_someone_else = by is None or by.pk != user.pk
    if action == "cancelled" and reason:
        outbox.enqueue_reservation_blocked(reservation, reason=reason)
    elif action == "created" and by_someone_else:
        outbox.enqueue_reservation(reservation, kind=outbox.Kind.BOOKING_CREATED)
    elif action == "cancelled" and by_someone_else:
        outbox.enqueue_reservation(reservation, kind=outbox.Kind.BOOKING_CANCELLED)
    elif action == "checked_in":
        outbox.enqueue_reservation(reservation, kind=outbox.Kind.CHECKED_IN)
    elif action == "no_show":
        outbox.enqueue_reservation(reservation, kind=outbox.Kind.NO_SHOW)


@receiver(member_verification_changed, dispatch_uid="telegram-outbox-verification")
def on_member_verification_changed(sender, user, decision: str, by=None, **kwargs) -> None:
    if user.telegram_id is None or decision == "unverified":
        return
    outbox.enqueue_verification(user, decision=decision)


@receiver(ticket_status_changed, dispatch_uid="telegram-outbox-ticket")
def on_ticket_status_changed(
    sender, ticket, old_status: str, new_status: str, comment: str = "", by=None, **kwargs
) -> None:
    author = getattr(ticket, "author", None)
    if author is None or author.telegram_id is None or old_status == new_status:
        return
    outbox.enqueue_ticket_status(ticket, user=author, new_status=new_status, comment=comment)
