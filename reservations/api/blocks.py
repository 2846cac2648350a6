"""Staff API for seat blocks: GET/POST admin/seat_blocks, DELETE admin/seat_blocks/{id}."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaff
from bookit.fields import AwareDateTimeField, RelatedIdField
from bookit.params import datetime_param, int_param
from reservations.models import SeatBlock
from reservations.services_blocks import seat_block_create, seat_block_delete
from seats.models import Floor, Seat


class SeatBlockSerializer(serializers.ModelSerializer):
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = SeatBlock
        fields = ["id", "seat", "floor", "start", "end", "reason", "created_at", "cancelled"]

    def get_cancelled(self, block) -> list[int]:
        """Ids of the bookings this block cancelled (on create only)."""
        return [r.pk for r in getattr(block, "cancelled", [])]


class SeatBlockInputSerializer(serializers.Serializer):
    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"), required=False)
    floor = RelatedIdField(queryset=Floor.objects.all(), required=False)
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    reason = serializers.CharField(max_length=200)


class SeatBlockListView(generics.ListAPIView):
    """A paginated list (a ListAPIView, so the schema says so too); POST creates a block."""

    permission_classes = [IsStaff]
    serializer_class = SeatBlockSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("seat", int),
            OpenApiParameter("floor", int),
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="Overlapping from."),
            OpenApiParameter("end", OpenApiTypes.DATETIME, description="Overlapping until."),
        ],
        responses=SeatBlockSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        qs = SeatBlock.objects.select_related("seat", "floor").order_by("start", "id")
        if seat := int_param(params, "seat"):
            qs = qs.filter(seat_id=seat)
        if floor := int_param(params, "floor"):
            qs = qs.filter(floor_id=floor)
        if start := datetime_param(params, "start"):
            qs = qs.filter(end__gt=start)
        if end := datetime_param(params, "end"):
            qs = qs.filter(start__lt=end)
        return qs

    @extend_schema(request=SeatBlockInputSerializer, responses={201: SeatBlockSerializer})
    def post(self, request):
        data = SeatBlockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block, cancelled = seat_block_create(by=request.user, **data.validated_data)
        block.cancelled = cancelled
        return Response(SeatBlockSerializer(block).data, status=status.HTTP_201_CREATED)


class SeatBlockDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        seat_block_delete(block=get_object_or_404(SeatBlock, pk=pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
