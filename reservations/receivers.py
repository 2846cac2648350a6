"""What bookings do when the apps below them change: accounts and seats send, we decide.

Connected in ReservationsConfig.ready(); the signals are documented where they are defined.
"""

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signals import user_deleting
from bookit.errors import Conflict
from reservations.models import Reservation
from reservations.services import reservations_cancel_future_for_user
from seats.models import Floor, Seat
from seats.signals import floor_deleting, seat_deleting


@receiver(user_deleting, dispatch_uid="reservations.cancel_future_of_deleted_user")
def _cancel_future_of_deleted_user(sender: object, *, user: User, **kwargs: object) -> None:
    reservations_cancel_future_for_user(user=user)


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
