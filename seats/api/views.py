"""Floors API. The seat list and detail answer with availability and bookings, so they live
with the bookings (reservations/api/seat_views.py), at /api/seat."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from seats import selectors, services
from seats.api import serializers as s
from seats.models import Floor


class ReadOrStaff(IsAuthenticated):
    open_for_safe_methods = True  # members read; the schema documents 403 on writes only

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.is_staff


class FloorListView(APIView):
    permission_classes = [ReadOrStaff]

    @extend_schema(responses=s.FloorSerializer(many=True))
    def get(self, request):
        floors = selectors.floors_with_seats(include_inactive=request.user.is_staff)
        return Response(s.FloorSerializer(floors, many=True).data)

    @extend_schema(request=s.FloorInputSerializer, responses={201: s.FloorSerializer})
    def post(self, request):
        data = s.FloorInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        floor = data.save()
        return Response(s.FloorSerializer(floor).data, status=status.HTTP_201_CREATED)


class FloorDetailView(APIView):
    permission_classes = [ReadOrStaff]
    schema_conflicts = ("delete",)

    @extend_schema(responses=s.FloorSerializer)
    def get(self, request, pk: int):
        return Response(s.FloorSerializer(get_object_or_404(Floor, pk=pk)).data)

    @extend_schema(request=s.FloorInputSerializer, responses=s.FloorSerializer)
    def patch(self, request, pk: int):
        floor = get_object_or_404(Floor, pk=pk)
        data = s.FloorInputSerializer(floor, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(s.FloorSerializer(data.save()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.floor_delete(floor=get_object_or_404(Floor, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
