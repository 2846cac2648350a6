"""The export as a download: the same file from the API and from the profile page."""

from django.contrib.auth.decorators import login_required
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from integrations.export.selectors import export_response


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


@login_required
def export_view(request):
    """The profile's "Download my data" button."""
    return export_response(user=request.user, request=request)
