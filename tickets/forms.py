import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reservations.models import Reservation
from seats.models import Seat
from tickets import services
from tickets.models import Ticket

# How far back the form offers the member's bookings (a pre-filled one is always offered).
RECENT_BOOKINGS = dt.timedelta(days=60)


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seat: Seat) -> str:
        return f"{seat.label} · {seat.floor.display_name}"


class ReservationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, reservation: Reservation) -> str:
        start = timezone.localtime(reservation.start)
        end = timezone.localtime(reservation.end)
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M} · {reservation.seat.label}"


class TicketForm(forms.Form):
    """Input shapes only: the rules (own booking, matching seat) are the service's."""

    subject = forms.CharField(label=_("Subject"), max_length=services.SUBJECT_MAX)
    category = forms.ChoiceField(
        label=_("Category"), choices=Ticket.Category.choices, initial=Ticket.Category.OTHER
    )
    reservation = ReservationChoiceField(
        label=_("Booking"),
        queryset=Reservation.objects.none(),
        required=False,
        empty_label=_("— not about a booking —"),
    )
    seat = SeatChoiceField(
        label=_("Seat"),
        queryset=Seat.objects.select_related("floor"),
        required=False,
        empty_label=_("— no particular seat —"),
        help_text=_("Filled in from the booking when you choose one."),
    )
    text = forms.CharField(
        label=_("What happened?"),
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, user: User, prefill_reservation: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        recent = Q(start__gte=timezone.now() - RECENT_BOOKINGS)
        if prefill_reservation:
            recent |= Q(pk=prefill_reservation)
        # Only the member's own bookings are offered; the service refuses anyone else's anyway.
        self.fields["reservation"].queryset = (
            Reservation.objects.filter(recent, user=user)
            .select_related("seat")
            .order_by("-start", "-id")
        )
