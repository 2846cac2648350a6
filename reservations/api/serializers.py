import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import User
from bookit import params
from bookit.errors import ValidationFailed
from bookit.fields import AwareDateTimeField, RelatedIdField, iso_datetime
from reservations import slots
from reservations.models import Reservation
from reservations.policy import get_policy
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
            "series",
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
        "series": reservation.series_id,
    }


class ReservationInputSerializer(serializers.Serializer):
    """``{seat, start, end}``, or ``{seat, whole_day: true, date?}`` (the whole-day mode: the
    day's opening hours, see reservations.slots.whole_day_window; ``date`` defaults to today)."""

    seat = RelatedIdField(queryset=Seat.objects.select_related("floor"), joined="floor")
    start = AwareDateTimeField(required=False)
    end = AwareDateTimeField(required=False)
    whole_day = serializers.BooleanField(required=False, default=False, write_only=True)
    date = serializers.DateField(required=False, write_only=True)

    def validate(self, attrs):
        whole_day = attrs.pop("whole_day", False)
        day = attrs.pop("date", None)
        if whole_day:
            policy = get_policy()
            day = day or timezone.localdate(timezone=policy.tz)
            try:
                attrs["start"], attrs["end"] = slots.whole_day_window(policy, day)
            except ValidationFailed as exc:
                raise serializers.ValidationError(exc.errors) from None
            return attrs
        missing = {
            name: [_("This field is required.")] for name in ("start", "end") if name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


def reservation_input(data: Any) -> dict[str, Any]:
    """ReservationInputSerializer's validated data for the booking body ``data``, or its 400.

    The common body, ``{"seat": <id>, "start": <ISO 8601 with offset>, "end": <same>}`` with
    valid values, is read here without the serializer (which copies its five fields for every
    request); anything else, the whole-day mode, an id sent as a string and every invalid value
    included, goes through the serializer, so each 400 keeps its messages from one place. The
    values are the ones the serializer returns (test: test_reservation_input_is_the_serializer),
    but for the seat of the common body: its id, which reservation_create reads under the
    booking's lock, with the serializer's 400 for an unknown one.
    """
    values = _plain_input(data)
    if values is None:
        serializer = ReservationInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
    return values


def _plain_input(data: Any) -> dict[str, Any] | None:
    """The values of a body the serializer would accept as it is, else None (ask it)."""
    if type(data) is not dict or "whole_day" in data or "date" in data:
        return None
    pk = data.get("seat")
    # type() and not isinstance: True is an int too, and the serializer refuses it.
    if type(pk) is not int or not 1 <= pk <= params.MAX_ID:
        return None
    start, end = _aware_datetime(data.get("start")), _aware_datetime(data.get("end"))
    if start is None or end is None:
        return None
    # The seat stays an id: the booking's lock statement reads it (services._lock), and an
    # unknown id is the same 400 there, in the serializer's words.
    return {"seat": pk, "start": start, "end": end}


def _aware_datetime(value: Any) -> dt.datetime | None:
    """AwareDateTimeField's value for a valid ``value``, else None."""
    if type(value) is not str:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.utcoffset() is None or not params.in_supported_range(parsed):
        return None
    return parsed.astimezone(timezone.get_current_timezone())


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
