"""Demo reservations for the next few days, booked through the services (seed_demo)."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from bookit.errors import DomainError
from reservations.models import Reservation
from reservations.policy import get_policy
from reservations.services import reservation_create
from seats.models import Seat


def seed(command, options) -> None:
    policy = get_policy()
    members = list(User.objects.filter(email__startswith="demo_email_").order_by("email"))
    seats = list(Seat.objects.filter(is_active=True).order_by("floor__ordering", "label"))
    if not members or not seats:
        return
    today = timezone.localdate(timezone=policy.tz)
    created = 0
    for day_offset in (1, 2, 3):
        day = today + dt.timedelta(days=day_offset)
        for i, member in enumerate(members):
            if Reservation.objects.filter(user=member, start__date=day).exists():
                continue
            start = dt.datetime.combine(day, dt.time(9 + (i % 4) * 2, 0), policy.tz)
            seat = seats[(i * 3 + day_offset) % len(seats)]
            try:
                reservation_create(
                    user=member, seat=seat, start=start, end=start + dt.timedelta(hours=2)
                )
                created += 1
            except DomainError:
                continue  # a full day or the per-member limit: fine for demo data
    command.stdout.write(f"reservations: {created} created")
