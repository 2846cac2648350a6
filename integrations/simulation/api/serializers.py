from rest_framework import serializers

from integrations.simulation.models import SimulationState


class ControlInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "stop"])
    # Range checked by the service (one rule, one place).
    rate_per_minute = serializers.FloatField(required=False)


class SimulationStateSerializer(serializers.ModelSerializer):
    running = serializers.BooleanField(source="is_running")
    totals = serializers.SerializerMethodField()

    class Meta:
        model = SimulationState
        fields = [
            "running",
            "rate_per_minute",
            "started_at",
            "stopped_at",
            "last_tick_at",
            "totals",
        ]

    def get_totals(self, state: SimulationState) -> dict[str, int]:
        names = ["bookings", "check_ins", "cancellations", "no_shows", "refused"]
        return {name: getattr(state, name) for name in names}
