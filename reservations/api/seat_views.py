"""The seat list and detail API (/api/seat): seats with their availability in a window and a
day's bookings, plus the staff's seat CRUD (seats.services) on the same URLs."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookit.errors import ValidationFailed
from bookit.params import date_param, datetime_param, int_param, text_param
from reservations import selectors
from reservations.policy import get_policy
from reservations.slots import ensure_ordered
from seats import messages as seat_msg
from seats import selectors as seat_selectors
from seats import services
from seats.api import serializers as s
from seats.api.views import ReadOrStaff
from seats.models import Seat


class SeatListView(APIView):
    permission_classes = [ReadOrStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="Window start."),
            OpenApiParameter("end", OpenApiTypes.DATETIME, description="Window end."),
            OpenApiParameter("floor", int),
            OpenApiParameter("kind", str, enum=Seat.Kind.values),
            OpenApiParameter("amenity", str, description="Comma-separated; all must match."),
        ],
        responses=s.SeatAvailabilitySerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        start, end = datetime_param(params, "start"), datetime_param(params, "end")
        if (start is None) != (end is None):
            message = _("Give both start and end, or neither.")
            raise ValidationFailed.on("end" if start else "start", message)
        if start and end:
            ensure_ordered(start, end)
        kind = text_param(params, "kind")
        if kind and kind not in Seat.Kind.values:
            raise ValidationFailed.on("kind", seat_msg.UNKNOWN_SEAT_KIND)
        filters = {
            "floor": int_param(params, "floor"),
            "kind": kind,
            "amenity": text_param(params, "amenity"),
        }
        if start is None:
            seats = seat_selectors.seats_filtered(**filters)
            favourites = seat_selectors.favourite_seat_ids(request.user)
            rows = s.SeatSerializer(seats, many=True).data
            for row in rows:
                row["favourite"] = row["id"] in favourites
            return Response(rows)
        # The hot read (every map view and poll): seat rows with the caller's stars, no models.
        seat_rows = seat_selectors.seat_rows(viewer=request.user, **filters)
        states = selectors.seat_availability(
            seats=seat_rows, start=start, end=end, user=request.user
        )
        return Response(s.seat_availability_data(states, request=request))

    @extend_schema(request=s.SeatInputSerializer, responses={201: s.SeatSerializer})
    def post(self, request):
        data = s.SeatInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seat = services.seat_create(**data.validated_data)
        return Response(s.SeatSerializer(seat).data, status=status.HTTP_201_CREATED)


class SeatDetailView(APIView):
    permission_classes = [ReadOrStaff]
    schema_conflicts = ("delete",)

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="Day; today by default")
        ],
        responses=s.SeatDetailSerializer,
    )
    def get(self, request, pk: int):
        seat = get_object_or_404(Seat.objects.select_related("floor"), pk=pk)
        day = date_param(request.query_params, "date") or timezone.localdate(
            timezone=get_policy().tz
        )
        seat.day = day
        seat.day_reservations = [
            {
                "start": r.start,
                "end": r.end,
                "mine": r.user_id == request.user.pk,
                "status": r.status,
            }
            for r in selectors.seat_day_reservations(seat=seat, day=day)
        ]
        return Response(s.SeatDetailSerializer(seat).data)

    @extend_schema(request=s.SeatInputSerializer(partial=True), responses=s.SeatSerializer)
    def patch(self, request, pk: int):
        seat = get_object_or_404(Seat, pk=pk)
        data = s.SeatInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(
            s.SeatSerializer(services.seat_update(seat=seat, **data.validated_data)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.seat_delete(seat=get_object_or_404(Seat, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
