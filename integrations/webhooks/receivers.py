"""Domain events -> webhook deliveries, written inside the event's own transaction."""

from django.dispatch import receiver

from accounts.signals import member_verified
from integrations.webhooks.events import member_data, reservation_data, ticket_data
from integrations.webhooks.services import webhook_event_enqueue
from reservations.signals import reservation_changed
from tickets.signals import ticket_created, ticket_status_changed


@receiver(reservation_changed, dispatch_uid="webhooks-reservation")
def on_reservation_changed(sender, reservation, action: str, **kwargs) -> None:
    webhook_event_enqueue(
        event_type=f"reservation.{action}", data=lambda: reservation_data(reservation)
    )


@receiver(ticket_created, dispatch_uid="webhooks-ticket-created")
def on_ticket_created(sender, ticket, **kwargs) -> None:
    webhook_event_enqueue(event_type="ticket.created", data=lambda: ticket_data(ticket))


@receiver(ticket_status_changed, dispatch_uid="webhooks-ticket-status")
def on_ticket_status_changed(sender, ticket, old_status: str, new_status: str, **kwargs) -> None:
    if old_status == new_status:
        return
    webhook_event_enqueue(
        event_type="ticket.status_changed",
        data=lambda: ticket_data(ticket, old_status=old_status),
    )


@receiver(member_verified, dispatch_uid="webhooks-member-verified")
def on_member_verified(sender, user, by=None, **kwargs) -> None:
    webhook_event_enqueue(event_type="member.verified", data=lambda: member_data(user, by=by))
