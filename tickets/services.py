"""Ticket rules. The API, the pages and the Django admin all call these.

Invariants:
- a ticket moves only along ALLOWED_TRANSITIONS: open -> in_progress -> resolved | rejected
  (open may also go straight to resolved or rejected); staff may reopen a resolved or rejected
  ticket (-> open). Anything else is a 400 naming the ``status`` field.
- only staff change a ticket's status; every change and the creation itself leave a TicketEvent,
  so the history is complete; ``resolved_at`` is set when a ticket closes and cleared on reopen.
- a ticket may point at a reservation of its author only, and at that reservation's seat.
- ticket_status_changed is sent inside the transaction (receivers that talk to the outside defer
  with transaction.on_commit, see tickets/signals.py).
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookit.errors import PermissionDenied, ValidationFailed
from reservations.models import Reservation
from seats.models import Seat
from tickets import messages as msg
from tickets.models import Ticket, TicketEvent
from tickets.signals import ticket_created, ticket_status_changed

Status = Ticket.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.REJECTED}),
    Status.RESOLVED: frozenset({Status.OPEN}),
    Status.REJECTED: frozenset({Status.OPEN}),
}
CLOSED = frozenset({Status.RESOLVED, Status.REJECTED})

SUBJECT_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 2000

# Shared with the API serializer so a missing and a foreign reservation read the same.
RESERVATION_NOT_YOURS = msg.RESERVATION_NOT_YOURS  # also the API serializer's message


def _required_text(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, msg.REQUIRED)
    if len(value) > limit:
        raise ValidationFailed.on(field, msg.too_long(limit))
    return value


def ticket_create(
    *,
    author: User,
    subject: str,
    text: str,
    category: str = Ticket.Category.OTHER,
    seat: Seat | None = None,
    reservation: Reservation | None = None,
) -> Ticket:
    """File a ticket for ``author``; records the opening event."""
    subject = _required_text("subject", subject, SUBJECT_MAX)
    text = _required_text("text", text, TEXT_MAX)
    category = category or Ticket.Category.OTHER
    if category not in Ticket.Category.values:
        raise ValidationFailed.on("category", msg.UNKNOWN_CATEGORY)
    if reservation is not None:
        if reservation.user_id is None or reservation.user_id != author.pk:
            raise ValidationFailed.on("reservation", RESERVATION_NOT_YOURS)
        if seat is None:
            seat = reservation.seat
        elif seat.pk != reservation.seat_id:
            raise ValidationFailed.on("seat", msg.NOT_THE_BOOKINGS_SEAT)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            author=author,
            subject=subject,
            text=text,
            category=category,
            seat=seat,
            reservation=reservation,
            created_at=now,
            updated_at=now,
        )
        TicketEvent.objects.create(
            ticket=ticket, actor=author, old_status="", new_status=ticket.status, created_at=now
        )
        ticket_created.send(Ticket, ticket=ticket)
    return ticket


def ticket_check_transition(*, old: str, new: str) -> None:
    """Raise ValidationFailed on ``status`` unless old -> new is an allowed move."""
    if new not in Status.values:
        raise ValidationFailed.on("status", msg.UNKNOWN_STATUS)
    if new not in ALLOWED_TRANSITIONS.get(old, frozenset()):
        raise ValidationFailed.on(
            "status",
            msg.bad_transition(Status(old).label, Status(new).label),
        )


def _check_staff(by: User) -> None:
    if not (by and by.is_authenticated and by.is_staff):
        raise PermissionDenied(msg.STAFF_ONLY)


def _clean_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed.on("comment", msg.too_long(COMMENT_MAX))
    return comment


def ticket_set_status(*, ticket: Ticket, status: str, comment: str = "", by: User) -> Ticket:
    """Move ``ticket`` to ``status`` (staff only), record the event and notify."""
    _check_staff(by)
    comment = _clean_comment(comment)
    now = timezone.now()
    with transaction.atomic():
        # The lock makes two staff members' simultaneous changes apply one after the other, so
        # each is checked against the status the other left (no lost or impossible moves).
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        old = locked.status
        ticket_check_transition(old=old, new=status)
        locked.status = status
        locked.updated_at = now
        locked.resolved_at = now if status in CLOSED else None
        fields = ["status", "updated_at", "resolved_at"]
        if comment:
            locked.staff_comment = comment
            fields.append("staff_comment")
        locked.save(update_fields=fields)
        TicketEvent.objects.create(
            ticket=locked,
            actor=by,
            old_status=old,
            new_status=status,
            comment=comment,
            created_at=now,
        )
        ticket_status_changed.send(
            Ticket, ticket=locked, old_status=old, new_status=status, comment=comment, by=by
        )
    _copy_state(locked, ticket)
    return ticket


def ticket_comment(*, ticket: Ticket, comment: str, by: User) -> Ticket:
    """A staff comment without a status change (kept in the history, shown to the member)."""
    _check_staff(by)
    comment = _clean_comment(comment)
    if not comment:
        raise ValidationFailed.on("comment", msg.REQUIRED)
    now = timezone.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        locked.staff_comment = comment
        locked.updated_at = now
        locked.save(update_fields=["staff_comment", "updated_at"])
        TicketEvent.objects.create(
            ticket=locked,
            actor=by,
            old_status=locked.status,
            new_status=locked.status,
            comment=comment,
            created_at=now,
        )
    _copy_state(locked, ticket)
    return ticket


def _copy_state(source: Ticket, target: Ticket) -> None:
    if source is target:
        return
    for field in ("status", "staff_comment", "updated_at", "resolved_at"):
        setattr(target, field, getattr(source, field))
