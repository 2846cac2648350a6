import datetime as dt

from django.utils import timezone
from rest_framework import serializers

from accounts.avatars.images import avatar_url, avatar_url_of
from accounts.models import User
from bookit.fields import RelatedIdField, iso_datetime
from seats.models import Floor, Seat
from seats.selectors import seat_label_key

WINDOW_ONLY = "Present when the list was asked for a window (start and end)."


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "label", "floor", "kind", "amenities", "x", "y", "is_active"]


class HolderSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    avatar_url = serializers.CharField()


class SeatAvailabilitySerializer(SeatSerializer):
    # Only with a window (?start=&end=): without one the list is plain seats, so the schema
    # marks these optional rather than promising fields that are not sent.
    available = serializers.BooleanField(required=False, help_text=WINDOW_ONLY)
    mine = serializers.BooleanField(required=False, help_text=WINDOW_ONLY)
    busy_until = serializers.DateTimeField(allow_null=True, required=False, help_text=WINDOW_ONLY)
    state = serializers.ChoiceField(
        choices=["free", "busy", "mine", "blocked", "restricted", "inactive"],
        required=False,
        help_text=WINDOW_ONLY,
    )
    reason = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="Why it cannot be booked: the block's reason or the seat's rule. " + WINDOW_ONLY,
    )
    favourite = serializers.BooleanField(required=False, help_text="The caller starred it.")
    holder = HolderSerializer(
        allow_null=True,
        required=False,
        help_text="Who holds a busy seat, only when that member opted in (show_on_map). "
        + WINDOW_ONLY,
    )

    class Meta(SeatSerializer.Meta):
        fields = [
            *SeatSerializer.Meta.fields,
            "available",
            "mine",
            "busy_until",
            "state",
            "reason",
            "favourite",
            "holder",
        ]


def seat_availability_data(
    states, *, favourites: frozenset[int] | set[int] | None = None, request=None
) -> list[dict]:
    """What SeatAvailabilitySerializer(many=True) returns for these states, built directly.

    The availability list is the hottest read (every map view and poll); a ModelSerializer
    spends most of its time walking 11 fields per seat. The serializer above stays the schema
    (drf-spectacular) and a test holds this function to its exact output. ``favourites``: the
    caller's starred seat ids; None when the states' seats are ``SeatRow``s, which carry it.
    """
    tz = timezone.get_current_timezone()
    default_url: list[str] = []  # the default picture's URL, built at most once

    def default() -> str:
        if not default_url:
            default_url.append(avatar_url(User(), request=request))
        return default_url[0]

    # Busy seats mostly free up at the same few times: each instant is formatted once.
    formatted: dict[dt.datetime, str | None] = {}
    rows = []
    for state in states:
        seat = state.seat
        holder = state.holder
        until = state.busy_until
        if until is not None and until not in formatted:
            formatted[until] = iso_datetime(until, tz)
        rows.append(
            {
                "id": seat.id,
                "label": seat.label,
                "floor": seat.floor_id,
                "kind": seat.kind,
                "amenities": list(seat.amenities),
                "x": seat.x,
                "y": seat.y,
                "is_active": seat.is_active,
                "available": state.available,
                "mine": state.mine,
                "busy_until": None if until is None else formatted[until],
                "state": state.state,
                "reason": state.reason,
                "favourite": seat.favourite if favourites is None else seat.id in favourites,
                "holder": None
                if holder is None
                else {
                    "first_name": holder.first_name,
                    "avatar_url": avatar_url_of(holder.avatar, default=default, request=request),
                },
            }
        )
    return rows


class SeatInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=20)
    floor = RelatedIdField(queryset=Floor.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=Seat.Kind.choices, required=False)
    amenities = serializers.ListField(child=serializers.CharField(), required=False)
    x = serializers.IntegerField(min_value=0, max_value=100000)
    y = serializers.IntegerField(min_value=0, max_value=100000)
    is_active = serializers.BooleanField(required=False)


class FloorSerializer(serializers.ModelSerializer):
    seats = SeatSerializer(many=True, read_only=True, source="seat_list")

    class Meta:
        model = Floor
        fields = ["id", "name", "ordering", "width", "height", "plan_image", "seats"]
        read_only_fields = ["plan_image"]

    def to_representation(self, floor):
        if not hasattr(floor, "seat_list"):  # a single floor, not from floors_with_seats()
            floor.seat_list = sorted(floor.seats.all(), key=lambda s: seat_label_key(s.label))
        return super().to_representation(floor)


class FloorInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Floor
        fields = ["name", "ordering", "width", "height"]


class BookingSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mine = serializers.BooleanField()
    status = serializers.CharField()


class SeatDetailSerializer(SeatSerializer):
    day = serializers.DateField()
    reservations = BookingSlotSerializer(many=True, source="day_reservations")

    class Meta(SeatSerializer.Meta):
        fields = [*SeatSerializer.Meta.fields, "day", "reservations"]
