"""Objects for ticket tests. Reservations are created directly (no booking rules): a ticket or a
check-in only needs one to exist, at a time the test chooses."""

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import User
from reservations.models import Reservation
from seats.models import Floor, Seat
from tickets import services
from tickets.models import Ticket

_labels = itertools.count(1)


def make_seat(*, floor: Floor | None = None, label: str | None = None) -> Seat:
    floor = floor or Floor.objects.get_or_create(name="Ticket floor")[0]
    return Seat.objects.create(floor=floor, label=label or f"T{next(_labels)}")


def make_reservation(
    *,
    user: User,
    seat: Seat | None = None,
    start: dt.datetime | None = None,
    minutes: int = 60,
    status: str = Reservation.Status.BOOKED,
) -> Reservation:
    # Starting 5 minutes ago by default: inside the check-in window of the default policy.
    start = start or timezone.now() - dt.timedelta(minutes=5)
    return Reservation.objects.create(
        user=user,
        seat=seat or make_seat(),
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        status=status,
    )


def make_ticket(*, author: User, subject: str = "Broken chair", **extra) -> Ticket:
    return services.ticket_create(
        author=author, subject=subject, text=extra.pop("text", "It wobbles."), **extra
    )
