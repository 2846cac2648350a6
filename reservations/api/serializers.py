from rest_framework import serializers

from accounts.models import User
from bookit.fields import AwareDateTimeField, RelatedIdField
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
