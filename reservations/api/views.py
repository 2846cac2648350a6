from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from accounts.permissions import IsStaff
from bookit.params import datetime_param, int_param, text_param
from bookit.throttling import BookingThrottles
from reservations import qr, selectors, services
from reservations.api import serializers as s
from reservations.models import Reservation

FILTERS = [
    OpenApiParameter("status", str, description="Comma-separated statuses."),
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="Overlapping from (with offset)."),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Overlapping until (with offset)."),
]


def _get_reservation_for_user(request, pk: int) -> Reservation:
    """Another member's reservation answers 404, never 403: its existence is not leaked."""
    qs = Reservation.objects.select_related("seat__floor", "user")
    if not request.user.is_staff:
        qs = qs.filter(user=request.user)
    reservation = qs.filter(pk=pk).first()
    if reservation is None:
        raise Http404
    return reservation


class ReservationListView(BookingThrottles, generics.GenericAPIView):
    serializer_class = s.ReservationSerializer
    schema_conflicts = ("post",)

    @extend_schema(parameters=FILTERS, responses=s.ReservationSerializer(many=True))
    def get(self, request):
        params = request.query_params
        qs = selectors.reservations_for_user(
            user=request.user,
            status=text_param(params, "status"),
            start=datetime_param(params, "start"),
            end=datetime_param(params, "end"),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ReservationSerializer(page, many=True).data)

    @extend_schema(
        request=s.ReservationInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={201: s.ReservationSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        values = s.reservation_input(request.data)
        reservation = services.reservation_create(user=request.user, **values)
        return Response(s.reservation_data(reservation), status=status.HTTP_201_CREATED)


class ReservationDetailView(APIView):
    schema_conflicts = ("patch",)

    @extend_schema(responses=s.ReservationSerializer)
    def get(self, request, pk: int):
        return Response(s.ReservationSerializer(_get_reservation_for_user(request, pk)).data)

    @extend_schema(request=s.ReservationUpdateSerializer, responses=s.ReservationSerializer)
    def patch(self, request, pk: int):
        reservation = _get_reservation_for_user(request, pk)
        data = s.ReservationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation = services.reservation_update(
            reservation=reservation, by=request.user, **data.validated_data
        )
        return Response(s.ReservationSerializer(reservation).data)

    @extend_schema(
        responses={200: s.ReservationSerializer},
        description="Cancels the reservation and answers it (status `cancelled`, or a "
        "checked-in booking ended now).",
    )
    def delete(self, request, pk: int):
        reservation = _get_reservation_for_user(request, pk)
        reservation = services.reservation_cancel(reservation=reservation, by=request.user)
        return Response(s.ReservationSerializer(reservation).data)


class ReservationCancelView(APIView):
    @extend_schema(request=None, responses=s.ReservationSerializer)
    def post(self, request, pk: int):
        reservation = _get_reservation_for_user(request, pk)
        reservation = services.reservation_cancel(reservation=reservation, by=request.user)
        return Response(s.ReservationSerializer(reservation).data)


QR_SCHEMA = extend_schema(
    parameters=[OpenApiParameter("format", str, enum=["png", "svg"])],
    responses={(200, "image/png"): bytes, (200, "image/svg+xml"): bytes},
)


class QRImageView(APIView):
    """A QR code image: PNG, or SVG with ``?format=svg``."""

    def perform_content_negotiation(self, request, force=False):
        # ?format=svg picks the image type here, not a DRF renderer.
        return super().perform_content_negotiation(request, force=True)

    def qr_response(self, request, data: str) -> HttpResponse:
        fmt = "svg" if text_param(request.query_params, "format") == "svg" else "png"
        content, content_type = qr.qr_image(data, fmt=fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Cache-Control"] = "private, max-age=300"
        return response


class ReservationQRView(QRImageView):
    @QR_SCHEMA
    def get(self, request, pk: int):
        reservation = _get_reservation_for_user(request, pk)
        return self.qr_response(request, qr.checkin_url(reservation, request))


class AdminReservationListView(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.ReservationSerializer

    @extend_schema(
        parameters=[
            *FILTERS,
            OpenApiParameter("seat", int),
            OpenApiParameter("user", int),
            OpenApiParameter("floor", int),
        ],
        responses=s.ReservationSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        qs = selectors.reservations_for_staff(
            seat=int_param(params, "seat"),
            user=int_param(params, "user"),
            floor=int_param(params, "floor"),
            status=text_param(params, "status"),
            start=datetime_param(params, "start"),
            end=datetime_param(params, "end"),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ReservationSerializer(page, many=True).data)


class AdminReservationCreateView(APIView):
    permission_classes = [IsStaff]
    schema_conflicts = ("post",)

    @extend_schema(
        request=s.StaffReservationInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={201: s.ReservationSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        data = s.StaffReservationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation = services.reservation_create(by=request.user, **data.validated_data)
        return Response(s.ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)


class AdminReservationDetailView(ReservationDetailView):
    permission_classes = [IsStaff]


class AdminCheckQRView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=s.CheckInInputSerializer, responses=s.CheckInResultSerializer)
    def post(self, request, reservation_id: int):
        data = s.CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation, changed = services.reservation_check_in_by_token(
            token=data.validated_data["token"], by=request.user, reservation_id=int(reservation_id)
        )
        return Response(
            {
                "reservation": s.ReservationSerializer(reservation).data,
                "already_checked_in": not changed,
                "member": reservation.user.get_full_name() if reservation.user else "",
                "seat_label": reservation.seat.label,
            }
        )
