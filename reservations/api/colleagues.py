"""Colleagues and favourites (DESIGN.md "Colleagues and favourites", opt-in, privacy first).

``GET colleagues?search=&date=``: members who opted in (show_on_map) with that day's live
bookings; ``POST/DELETE seat/{id}/favourite``: star a seat (seats then carry ``favourite``).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.avatars.images import avatar_url
from bookit.errors import ValidationFailed
from bookit.params import date_param, text_param
from reservations import selectors
from reservations.policy import get_policy
from seats import services as seat_services
from seats.models import Seat

SEARCH_MAX = 100


class ColleagueBookingSerializer(serializers.Serializer):
    seat = serializers.IntegerField()
    seat_label = serializers.CharField()
    floor = serializers.IntegerField()
    floor_name = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class ColleagueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    avatar_url = serializers.CharField()
    bookings = ColleagueBookingSerializer(many=True)


class FavouriteSerializer(serializers.Serializer):
    seat = serializers.IntegerField()
    favourite = serializers.BooleanField()


def colleague_rows(found, request=None) -> list[dict]:
    """The API's (and the map page's) form of selectors.colleagues(): first names only."""
    tz = get_policy().tz
    return [
        {
            "id": member.pk,
            "first_name": member.first_name,
            "avatar_url": avatar_url(member, request=request),
            "bookings": [
                {
                    "seat": r.seat_id,
                    "seat_label": r.seat.label,
                    "floor": r.seat.floor_id,
                    "floor_name": r.seat.floor.display_name,
                    "start": timezone.localtime(r.start, tz).isoformat(),
                    "end": timezone.localtime(r.end, tz).isoformat(),
                }
                for r in bookings
            ],
        }
        for member, bookings in found
    ]


class ColleagueListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Part of a first or last name."),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Day; today by default"),
        ],
        responses=ColleagueSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        search = (text_param(params, "search") or "").strip()
        if len(search) > SEARCH_MAX:
            raise ValidationFailed.on("search", _("Type at most 100 characters."))
        day = date_param(params, "date") or timezone.localdate(timezone=get_policy().tz)
        found = selectors.colleagues(search=search, day=day, viewer=request.user)
        return Response(colleague_rows(found, request=request))


class SeatFavouriteView(APIView):
    @extend_schema(request=None, responses={200: FavouriteSerializer})
    def post(self, request, pk: int):
        seat = get_object_or_404(Seat, pk=pk)
        seat_services.favourite_add(user=request.user, seat=seat)
        return Response({"seat": seat.pk, "favourite": True}, status=status.HTTP_200_OK)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        seat = get_object_or_404(Seat, pk=pk)
        seat_services.favourite_remove(user=request.user, seat=seat)
        return Response(status=status.HTTP_204_NO_CONTENT)
