from rest_framework import serializers

from integrations.kiosk.models import Kiosk
from integrations.kiosk.services import kiosk_url
from seats.models import Floor


class KioskInputSerializer(serializers.Serializer):
    floor = serializers.PrimaryKeyRelatedField(queryset=Floor.objects.all())
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class KioskSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Kiosk
        fields = ["id", "floor", "name", "url", "created_at", "last_seen_at"]

    def get_url(self, kiosk: Kiosk) -> str:
        return kiosk_url(kiosk)


class KioskSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.CharField()
    x = serializers.IntegerField()
    y = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["free", "booked", "checked_in"])
    free_until = serializers.DateTimeField(allow_null=True)
    busy_until = serializers.DateTimeField(allow_null=True)
    holder = serializers.CharField(allow_null=True, help_text="First name, if the member opted in.")
    next_start = serializers.DateTimeField(allow_null=True)
    book_url = serializers.CharField()


class KioskStateSerializer(serializers.Serializer):
    """Schema only: the view returns selectors.floor_state as is."""

    floor = serializers.DictField()
    now = serializers.DateTimeField()
    is_open = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    seats = KioskSeatSerializer(many=True)
