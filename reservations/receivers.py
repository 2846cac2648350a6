"""What bookings do when the apps below them change: accounts and seats send, we decide.

Connected in ReservationsConfig.ready(); the signals are documented where they are defined.
"""

import datetime as dt

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signals import user_deleting
from bookit.errors import Conflict
from reservations import waitlist
from reservations.models import Reservation
from reservations.services import reservations_cancel_future_for_user
from reservations.signals import reservation_changed
from seats.models import Floor, Seat
from seats.signals import floor_deleting, seat_deleting


@receiver(user_deleting, dispatch_uid="reservations.cancel_future_of_deleted_user")
def _cancel_future_of_deleted_user(sender: object, *, user: User, **kwargs: object) -> None:
    reservations_cancel_future_for_user(user=user)
    waitlist.waitlist_leave_all(user=user)  # a standing offer's hold goes to the next in line


@receiver(seat_deleting, dispatch_uid="reservations.keep_seat_with_bookings")
def _keep_seat_with_bookings(sender: object, *, seat: Seat, **kwargs: object) -> None:
    reservations = Reservation.objects.filter(seat=seat)
    if reservations.live().filter(end__gt=timezone.now()).exists():
        raise Conflict(
            _(
                "Seat %(label)s has upcoming bookings and cannot be deleted. Deactivate it instead "
                "(set is_active to false), then cancel or move its bookings."
            )
            % {"label": seat.label}
        )
    if reservations.exists():
        raise Conflict(
            _(
                "Seat %(label)s has booking history and cannot be deleted. Deactivate it instead "
                "(set is_active to false); its history stays."
            )
            % {"label": seat.label}
        )


@receiver(floor_deleting, dispatch_uid="reservations.keep_floor_with_bookings")
def _keep_floor_with_bookings(sender: object, *, floor: Floor, **kwargs: object) -> None:
    if Reservation.objects.filter(seat__floor=floor).exists():
        raise Conflict(
            _(
                "Floor %(name)s has seats with bookings and cannot be deleted; deactivate its "
                "seats instead."
            )
            % {"name": floor.display_name}
        )


@receiver(reservation_changed, dispatch_uid="reservations.waitlist_on_free")
def _offer_freed_seat(sender: object, *, reservation: Reservation, action: str, **kwargs) -> None:
    """A seat freed (cancelled, cut short, moved, released as a no-show): once committed, the
    waitlist offers it to the next in line (reservations.waitlist; the scheduler also does)."""
    if action not in ("cancelled", "updated", "no_show"):
        return
    start, end = reservation.start, reservation.end
    if action == "updated":  # the old window is gone from the row: look at its whole days
        start, end = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    transaction.on_commit(lambda: waitlist.offers_after_change(start=start, end=end), robust=True)
