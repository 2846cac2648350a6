"""Demo reservations for the coming days, booked through the services (seed_demo).

Each demo member holds one upcoming booking, two days ahead or later: far below the cap, and
clear of the map's default window (the next hour, or tomorrow's opening), so every demo member
can book at once with the two taps the map promises.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from bookit.errors import DomainError
from reservations.models import Reservation
from reservations.policy import get_policy
from reservations.services import reservation_create
from seats.models import Seat

PER_MEMBER = 1
FIRST_DAY = 2  # days from today


def seed(command, options) -> None:
    policy = get_policy()
    members = list(User.objects.filter(email__startswith="demo_email_").order_by("email"))
    seats = list(
        Seat.objects.filter(is_active=True)
        .exclude(kind=Seat.Kind.MEETING_ROOM)
        .order_by("floor__ordering", "label")
    )
    if not members or not seats:
        return
    now = timezone.now()
    today = timezone.localdate(timezone=policy.tz)
    created = 0
    for i, member in enumerate(members):
        held = Reservation.objects.filter(user=member).live(now=now).upcoming(now=now).count()
        if held >= PER_MEMBER:
            continue
        day = today + dt.timedelta(days=FIRST_DAY + i % 3)
        start = dt.datetime.combine(day, dt.time(9 + (i % 4) * 2, 0), policy.tz)
        try:
            reservation_create(
                user=member,
                seat=seats[(i * 3) % len(seats)],
                start=start,
                end=start + dt.timedelta(hours=2),
            )
            created += 1
        except DomainError:
            continue  # that seat or time is taken by now: fine for demo data
    command.stdout.write(f"reservations: {created} created")
