"""The desk's own QR code in the API: the seat's code for staff, and what a member scanning it
sees and does (reservations.desk)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from accounts.permissions import IsStaff
from bookit.fields import AwareDateTimeField
from bookit.throttling import BookingThrottles
from reservations import desk
from reservations.api.serializers import ReservationSerializer
from reservations.api.views import QR_SCHEMA, QRImageView
from reservations.staff_views import desk_url
from seats.models import Seat


class DeskSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    floor = serializers.IntegerField(source="floor_id")
    floor_name = serializers.CharField(source="floor.name")
    kind = serializers.CharField()
    amenities = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()


class DeskStateSerializer(serializers.Serializer):
    seat = DeskSeatSerializer()
    open_now = serializers.BooleanField()
    free_now = serializers.BooleanField()
    free_until = serializers.DateTimeField(allow_null=True)
    busy_until = serializers.DateTimeField(allow_null=True)
    my_booking = ReservationSerializer(source="mine", allow_null=True)
    can_check_in = serializers.BooleanField()
    can_walk_in = serializers.BooleanField()
    walk_in_ends = serializers.ListField(child=serializers.DateTimeField())


class WalkInInputSerializer(serializers.Serializer):
    end = AwareDateTimeField(required=False)


class DeskCheckInResultSerializer(serializers.Serializer):
    reservation = ReservationSerializer()
    already_checked_in = serializers.BooleanField()


class SeatQRView(QRImageView):
    permission_classes = [IsStaff]

    @QR_SCHEMA
    def get(self, request, pk: int):
        seat = get_object_or_404(Seat, pk=pk)
        return self.qr_response(request, desk_url(request, seat.pk))


class SeatByTokenView(APIView):
    @extend_schema(responses=DeskStateSerializer)
    def get(self, request, token: str):
        seat = desk.seat_for_token(token)
        state = desk.desk_state(seat=seat, user=request.user)
        return Response(DeskStateSerializer(state).data)


class SeatByTokenCheckInView(APIView):
    @extend_schema(request=None, responses=DeskCheckInResultSerializer)
    def post(self, request, token: str):
        seat = desk.seat_for_token(token)
        reservation, changed = desk.desk_check_in(seat=seat, user=request.user)
        return Response(
            {
                "reservation": ReservationSerializer(reservation).data,
                "already_checked_in": not changed,
            }
        )


class SeatByTokenWalkInView(BookingThrottles, APIView):
    booking_methods = None  # every method

    @extend_schema(
        request=WalkInInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={201: ReservationSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request, token: str):
        seat = desk.seat_for_token(token)
        data = WalkInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation = desk.walk_in(seat=seat, user=request.user, end=data.validated_data.get("end"))
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)
