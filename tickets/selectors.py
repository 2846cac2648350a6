"""Read rules for tickets: a member's own tickets, the staff list with filters. Constant queries."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from tickets.models import Ticket, TicketEvent


def _with_history(qs: QuerySet) -> QuerySet:
    return qs.select_related("seat__floor", "reservation", "author").prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor"))
    )


def tickets_for_user(*, user: User, status: list[str] | None = None) -> QuerySet:
    """The member's own tickets, newest first, each with its history (three queries)."""
    qs = Ticket.objects.filter(author=user)
    if status:
        qs = qs.filter(status__in=status)
    return _with_history(qs).order_by("-created_at", "-id")


def ticket_for_user(*, user: User, pk: int) -> Ticket | None:
    """One ticket of ``user`` (None for anyone else's: callers answer 404)."""
    return tickets_for_user(user=user).filter(pk=pk).first()


def tickets_for_staff(
    *,
    status: list[str] | None = None,
    category: list[str] | None = None,
    author: int | None = None,
    seat: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet:
    """Staff list; ``start``/``end`` bound the filing time (start inclusive, end exclusive)."""
    qs = Ticket.objects.all()
    if status:
        qs = qs.filter(status__in=status)
    if category:
        qs = qs.filter(category__in=category)
    if author:
        qs = qs.filter(author_id=author)
    if seat:
        qs = qs.filter(seat_id=seat)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    return _with_history(qs).order_by("-created_at", "-id")
