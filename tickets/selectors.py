"""Read rules for tickets: a member's own tickets, the staff list with filters. Constant queries."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from tickets.models import Ticket, TicketEvent


def _with_history(qs: QuerySet) -> QuerySet:
    return qs.select_related("seat__floor", "reservation", "author").prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor"))
    )


def tickets_for_user(*, user: User) -> QuerySet:
    """The member's own tickets, newest first, each with its history (three queries)."""
    return _with_history(Ticket.objects.filter(author=user)).order_by("-created_at", "-id")


def ticket_for_user(*, user: User, pk: int) -> Ticket | None:
    """One ticket of ``user`` (None for anyone else's: callers answer 404)."""
    return tickets_for_user(user=user).filter(pk=pk).first()


def tickets_for_staff(
    *,
    status: list[str] | None = None,
    category: list[str] | None = None,
    author: int | None = None,
    seat: int | None = None,
) -> QuerySet:
    qs = Ticket.objects.all()
    if status:
        qs = qs.filter(status__in=status)
    if category:
        qs = qs.filter(category__in=category)
    if author:
        qs = qs.filter(author_id=author)
    if seat:
        qs = qs.filter(seat_id=seat)
    return _with_history(qs).order_by("-created_at", "-id")
