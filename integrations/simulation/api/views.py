from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaff
from integrations.simulation import services
from integrations.simulation.api import serializers as s


class SimulationControlView(APIView):
    """Staff only, and 403 for everyone unless SIMULATION_ENABLED=1."""

    permission_classes = [IsStaff]

    @extend_schema(responses=s.SimulationStateSerializer)
    def get(self, request):
        services.check_enabled()
        return Response(s.SimulationStateSerializer(services.simulation_state()).data)

    @extend_schema(request=s.ControlInputSerializer, responses=s.SimulationStateSerializer)
    def post(self, request):
        services.check_enabled()
        data = s.ControlInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["action"] == "start":
            state = services.simulation_start(
                rate_per_minute=data.validated_data.get("rate_per_minute"), by=request.user
            )
        else:
            state = services.simulation_stop(by=request.user)
        return Response(s.SimulationStateSerializer(state).data)
