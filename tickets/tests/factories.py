"""Tickets for tests, created through the service (a ticket's rules are cheap and always hold)."""

from accounts.models import User
from tickets import services
from tickets.models import Ticket


def make_ticket(*, author: User, subject: str = "Broken chair", **extra) -> Ticket:
    return services.ticket_create(
        author=author, subject=subject, text=extra.pop("text", "It wobbles."), **extra
    )
