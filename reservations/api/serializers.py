from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from bookit.fields import AwareDateTimeField, RelatedIdField, iso_datetime
from reservations.models import Reservation
from seats.models import Seat


class ReservationSerializer(serializers.ModelSerializer):
    seat_label = serializers.CharField(source="seat.label", read_only=True)
    floor = serializers.IntegerField(source="seat.floor_id", read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "seat",
            "user",
            "start",
            "end",
            "status",
            "seat_label",
            "floor",
            "created_at",
            "checked_in_at",
            "cancelled_at",
        ]


def reservation_data(reservation: Reservation) -> dict:
    """What ReservationSerializer returns for ``reservation``, built directly (the booking
    POST answers one per request; a test holds this to the serializer's exact output)."""
    tz = timezone.get_current_timezone()
    seat = reservation.seat
    return {
        "id": reservation.pk,
        "seat": reservation.seat_id,
        "user": reservation.user_id,
        "start": iso_datetime(reservation.start, tz),
        "end": iso_datetime(reservation.end, tz),
        "status": reservation.status,
        "seat_label": seat.label,
        "floor": seat.floor_id,
        "created_at": iso_datetime(reservation.created_at, tz),
        "checked_in_at": iso_datetime(reservation.checked_in_at, tz),
        "cancelled_at": iso_datetime(reservation.cancelled_at, tz),
    }


class ReservationInputSerializer(serializers.Serializer):
    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"))
    start = AwareDateTimeField()
    end = AwareDateTimeField()


class ReservationUpdateSerializer(serializers.Serializer):
    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"), required=False)
    start = AwareDateTimeField(required=False)
    end = AwareDateTimeField(required=False)


class StaffReservationInputSerializer(ReservationInputSerializer):
    user = RelatedIdField(queryset=User.objects.all())


class CheckInInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class CheckInResultSerializer(serializers.Serializer):
    reservation = ReservationSerializer()
    already_checked_in = serializers.BooleanField()
    member = serializers.CharField()
    seat_label = serializers.CharField()
