from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "reservations"
    verbose_name = _("Reservations")

    def ready(self) -> None:
        # Bookings react to account deletion and guard seat/floor deletion (see receivers.py).
        from reservations import receivers  # noqa: F401
