"""API views of integrations that are not one provider's: the member's data export."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from integrations.export import export_response


class ExportView(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A JSON attachment with everything the member's account holds.",
            )
        }
    )
    def get(self, request):
        return export_response(user=request.user, request=request._request)
