from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsStaff
from integrations.kiosk import selectors, services
from integrations.kiosk.api import serializers as s
from integrations.kiosk.models import Kiosk


class KioskListView(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.KioskSerializer

    @extend_schema(responses=s.KioskSerializer(many=True))
    def get(self, request):
        qs = Kiosk.objects.filter(revoked_at__isnull=True).order_by("id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.KioskSerializer(page, many=True).data)

    @extend_schema(request=s.KioskInputSerializer, responses={201: s.KioskSerializer})
    def post(self, request):
        data = s.KioskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kiosk = services.kiosk_create(by=request.user, **data.validated_data)
        return Response(s.KioskSerializer(kiosk).data, status=status.HTTP_201_CREATED)


class KioskDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        kiosk = get_object_or_404(Kiosk, pk=pk, revoked_at__isnull=True)
        services.kiosk_revoke(kiosk=kiosk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KioskStateView(APIView):
    """No login: the token in the path is the credential (revoked or unknown: 404)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "kiosk"

    @extend_schema(responses=s.KioskStateSerializer, auth=[])
    def get(self, request, token: str):
        kiosk = services.kiosk_by_token(token)
        if kiosk is None:
            raise Http404
        services.kiosk_seen(kiosk=kiosk)
        response = Response(selectors.floor_state(floor=kiosk.floor))
        response["Cache-Control"] = "no-store"
        return response
