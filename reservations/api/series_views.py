"""Recurring bookings in the API (DESIGN.md "Recurring bookings"); rules in reservations.series."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from bookit.fields import AwareDateTimeField, RelatedIdField
from bookit.params import text_param
from bookit.throttling import BookingThrottles
from reservations import series as series_service
from reservations.models import Series
from seats.models import Seat


class RepeatSerializer(serializers.Serializer):
    freq = serializers.ChoiceField(choices=Series.Freq.choices)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, max_length=7
    )
    count = serializers.IntegerField(
        min_value=1, max_value=series_service.MAX_OCCURRENCES, required=False
    )
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        if ("count" in attrs) == ("until" in attrs):
            raise serializers.ValidationError(
                {"count": ["Give either count or until."], "until": ["Give either count or until."]}
            )
        return attrs


class SeriesInputSerializer(serializers.Serializer):
    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"))
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    repeat = RepeatSerializer()

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        repeat = data.pop("repeat")
        data["repeat"] = series_service.Repeat(
            freq=repeat["freq"],
            weekdays=repeat.get("weekdays", []),
            count=repeat.get("count"),
            until=repeat.get("until"),
        )
        return data


OCCURRENCE = inline_serializer(
    "SeriesOccurrence",
    {
        "start": serializers.DateTimeField(),
        "end": serializers.DateTimeField(),
        "status": serializers.CharField(required=False),
        "available": serializers.BooleanField(required=False),
        "reservation": serializers.IntegerField(required=False),
        "reason": serializers.CharField(required=False),
    },
    many=True,
)


class SeriesSerializer(serializers.Serializer):
    """The schema of ``series_data`` (the answers are built there, from the service's data)."""

    id = serializers.IntegerField()
    seat = serializers.IntegerField()
    seat_label = serializers.CharField()
    repeat = serializers.DictField()
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    occurrences = OCCURRENCE


SERIES = SeriesSerializer
PREVIEW = inline_serializer("SeriesPreview", {"occurrences": OCCURRENCE})


def _iso(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def series_data(series: Series, occurrences=None, *, created: bool = False) -> dict:
    occurrences = (
        occurrences if occurrences is not None else series_service.series_occurrences(series)
    )
    return {
        "id": series.pk,
        "seat": series.seat_id,
        "seat_label": series.seat.label,
        "repeat": series.repeat,
        "created_at": _iso(series.created_at),
        "cancelled_at": _iso(series.cancelled_at),
        "occurrences": [series_service.occurrence_data(o, created=created) for o in occurrences],
    }


class SeriesListView(BookingThrottles, generics.GenericAPIView):
    serializer_class = SeriesInputSerializer  # for OPTIONS; answers are built by series_data

    @extend_schema(responses=SeriesSerializer(many=True), operation_id="reservations_series_list")
    def get(self, request):
        page = self.paginate_queryset(series_service.series_for_user(user=request.user))
        return self.get_paginated_response([series_data(s) for s in page])

    @extend_schema(
        request=SeriesInputSerializer,
        parameters=[
            OpenApiParameter("dry_run", bool, description="Preview only; writes nothing."),
            *IDEMPOTENCY_PARAMETERS,
        ],
        responses={201: SERIES, 200: PREVIEW, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        data = SeriesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if text_param(request.query_params, "dry_run") in ("1", "true", "yes"):
            occurrences = series_service.series_preview(user=request.user, **data.to_service())
            body = [
                {**series_service.occurrence_data(o), "available": o.available} for o in occurrences
            ]
            for item in body:
                item.pop("status", None)
            return Response({"occurrences": body})
        series, occurrences = series_service.series_create(user=request.user, **data.to_service())
        return Response(
            series_data(series, occurrences, created=True), status=status.HTTP_201_CREATED
        )


class SeriesDetailView(APIView):
    @extend_schema(responses=SERIES)
    def get(self, request, pk: int):
        series = series_service.series_get(user=request.user, pk=pk)
        return Response(series_data(series))

    @extend_schema(
        responses=inline_serializer("SeriesCancelled", {"cancelled": serializers.IntegerField()}),
        description="Cancels every occurrence that has not started.",
    )
    def delete(self, request, pk: int):
        series = series_service.series_get(user=request.user, pk=pk)
        cancelled = series_service.series_cancel(series=series, by=request.user)
        return Response({"cancelled": cancelled})
