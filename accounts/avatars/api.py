"""Avatar API: the own avatar and the staff-set default. Rules: accounts.avatars.services."""

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.api import serializers as s
from accounts.avatars import services as avatar_services
from accounts.avatars.images import (
    avatar_info,
    default_avatar_info,
    install_upload_limit,
    too_large_error,
)
from accounts.permissions import IsStaff
from bookit.throttling import UserRateThrottle

UPLOAD_FIELDS = ("avatar", "file")


class AvatarUploadThrottle(UserRateThrottle):
    """Decoding a large photo costs up to a few CPU seconds: a tighter per-user budget."""

    scope = "avatar_upload"
    rate = "30/hour"

    def allow_request(self, request, view) -> bool:
        return request.method != "POST" or super().allow_request(request, view)


class UploadMixin:
    """Caps file parts before DRF parses the body (authentication's CSRF check may parse it)."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, AvatarUploadThrottle]

    def initial(self, request, *args, **kwargs):
        self.upload_limit = install_upload_limit(request)
        super().initial(request, *args, **kwargs)

    def uploaded_file(self, request):
        files = request.FILES
        upload = next((files[name] for name in UPLOAD_FIELDS if name in files), None)
        if upload is None and self.upload_limit.too_large:
            raise too_large_error()
        return upload


class AvatarView(APIView):
    """The current member's avatar (JSON, never a redirect)."""

    @extend_schema(responses=s.AvatarSerializer)
    def get(self, request):
        return Response(avatar_info(request.user, request=request))

    @extend_schema(responses={200: s.AvatarSerializer})
    def delete(self, request):
        avatar_services.avatar_remove(user=request.user)
        return Response(avatar_info(request.user, request=request))


class AvatarUploadView(UploadMixin, APIView):
    @extend_schema(
        request={"multipart/form-data": s.AvatarUploadSerializer},
        responses=s.AvatarSerializer,
    )
    def post(self, request):
        user = avatar_services.avatar_set(user=request.user, upload=self.uploaded_file(request))
        return Response(avatar_info(user, request=request))


class AdminDefaultAvatarView(UploadMixin, APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=s.DefaultAvatarSerializer)
    def get(self, request):
        return Response(default_avatar_info(request=request))

    @extend_schema(
        request={"multipart/form-data": s.AvatarUploadSerializer},
        responses=s.DefaultAvatarSerializer,
    )
    def post(self, request):
        avatar_services.default_avatar_set(upload=self.uploaded_file(request), by=request.user)
        return Response(default_avatar_info(request=request))

    @extend_schema(responses={200: s.DefaultAvatarSerializer})
    def delete(self, request):
        avatar_services.default_avatar_remove(by=request.user)
        return Response(default_avatar_info(request=request))
