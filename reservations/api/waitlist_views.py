"""The waitlist in the API (DESIGN.md "Waitlist with a held offer"); rules in
reservations.waitlist, bookings through the booking service."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from bookit.fields import AwareDateTimeField, RelatedIdField
from bookit.throttling import BookingThrottles
from reservations import waitlist
from reservations.api.serializers import ReservationSerializer
from seats.models import Floor, Seat


class WaitlistInputSerializer(serializers.Serializer):
    """``{start, end, seat?, floor?, kind?}``: one seat, or any seat of a floor and/or kind."""

    start = AwareDateTimeField()
    end = AwareDateTimeField()
    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"), required=False)
    floor = RelatedIdField(queryset=Floor.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=Seat.Kind.choices, required=False)


class WaitlistEntrySerializer(serializers.Serializer):
    """The schema of ``waitlist.entry_data`` (the answers are built there)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    position = serializers.IntegerField(allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    seat = serializers.IntegerField(allow_null=True)
    floor = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    offered_seat = serializers.IntegerField(allow_null=True)
    offered_seat_label = serializers.CharField(required=False)
    offer_expires_at = serializers.DateTimeField(allow_null=True)
    reservation = serializers.IntegerField(allow_null=True)


class WaitlistListView(BookingThrottles, generics.GenericAPIView):
    serializer_class = WaitlistInputSerializer

    @extend_schema(responses=WaitlistEntrySerializer(many=True), operation_id="waitlist_list")
    def get(self, request):
        page = self.paginate_queryset(waitlist.entries_for_user(user=request.user))
        return self.get_paginated_response([waitlist.entry_data(e) for e in page])

    @extend_schema(
        request=WaitlistInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={201: WaitlistEntrySerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        data = WaitlistInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = waitlist.waitlist_join(user=request.user, **data.validated_data)
        return Response(waitlist.entry_data(entry), status=status.HTTP_201_CREATED)


class WaitlistDetailView(APIView):
    @extend_schema(responses=WaitlistEntrySerializer)
    def get(self, request, pk: int):
        return Response(waitlist.entry_data(waitlist.entry_get(user=request.user, pk=pk)))

    @extend_schema(responses={204: None}, description="Leave the waitlist (an offer passes on).")
    def delete(self, request, pk: int):
        waitlist.waitlist_leave(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitlistAcceptView(APIView):
    @extend_schema(request=None, responses={201: ReservationSerializer})
    def post(self, request, pk: int):
        reservation = waitlist.offer_accept(user=request.user, pk=pk)
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)


class WaitlistDeclineView(APIView):
    @extend_schema(request=None, responses=WaitlistEntrySerializer)
    def post(self, request, pk: int):
        entry = waitlist.offer_decline(user=request.user, pk=pk)
        return Response(waitlist.entry_data(entry))
