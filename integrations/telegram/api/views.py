"""Telegram API: a member gets a deep link; a separately deployed bot links chats.

The bot endpoints use no user authentication: the bot proves itself with the shared secret
header ``X-Bot-Secret`` (settings.TELEGRAM_BOT_SECRET). An empty secret refuses everyone.
"""

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bookit.errors import DomainError
from integrations.telegram import services
from integrations.telegram.api import serializers as s


class TelegramOff(DomainError):
    status_code = 503


class HasBotSecret(BasePermission):
    def has_permission(self, request, view) -> bool:
        expected = settings.TELEGRAM_BOT_SECRET
        given = request.headers.get("X-Bot-Secret", "")
        # Constant-time comparison: the secret must not leak through response timing.
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class BotView(APIView):
    authentication_classes: list = []
    permission_classes = [HasBotSecret]


BOT_SECRET_HEADER = OpenApiParameter(
    "X-Bot-Secret", str, OpenApiParameter.HEADER, required=True, description="TELEGRAM_BOT_SECRET"
)


class GetTokenView(APIView):
    @extend_schema(responses={200: s.LinkTokenSerializer})
    def get(self, request):
        if not services.telegram_enabled():
            raise TelegramOff(_("Telegram is not configured on this server."))
        link = services.link_token_create(user=request.user)
        return Response(s.LinkTokenSerializer(link).data)


class UnlinkView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.telegram_unlink(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectView(BotView):
    @extend_schema(
        request=s.ConnectInputSerializer,
        responses={200: s.ConnectOutputSerializer},
        parameters=[BOT_SECRET_HEADER],
    )
    def post(self, request):
        data = s.ConnectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.telegram_link(**data.validated_data)
        body = {"linked": True, "user_id": user.pk, "language": user.language}
        return Response(s.ConnectOutputSerializer(body).data)


class ExistsView(BotView):
    @extend_schema(
        parameters=[OpenApiParameter("telegram_id", int, required=True), BOT_SECRET_HEADER],
        responses={200: s.ExistsOutputSerializer},
    )
    def get(self, request):
        data = s.ExistsInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        user = services.user_for_telegram(telegram_id=data.validated_data["telegram_id"])
        return Response({"exists": user is not None})
