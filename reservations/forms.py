"""Forms of the "my bookings" pages. Parsing only; reservation_update re-checks every rule."""

import datetime as dt

from django.utils import timezone

from reservations.models import BookingPolicy, Reservation
from seats.forms import WindowForm


class ChangeTimeForm(WindowForm):
    """A new day and time for an existing booking, on the policy's slot grid."""

    @classmethod
    def for_reservation(cls, reservation: Reservation, *, policy: BookingPolicy, data=None):
        start = timezone.localtime(reservation.start, policy.tz)
        end = timezone.localtime(reservation.end, policy.tz)
        if end.date() != start.date():  # cannot happen under the policy; keep the form sane
            end = dt.datetime.combine(start.date(), policy.closes_at, policy.tz)
        initial = {"date": start.date(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        return cls(data, policy=policy, initial=initial, prefix=f"r{reservation.pk}")
