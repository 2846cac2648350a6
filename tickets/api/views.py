from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from accounts.permissions import IsStaff
from bookit.errors import ValidationFailed
from bookit.params import datetime_param, int_param, text_param
from tickets import selectors, services
from tickets.api import serializers as s
from tickets.models import Ticket


def _choice_list(params, name: str, allowed: list[str]) -> list[str] | None:
    """A comma-separated filter; an unknown value is a 400 on that parameter."""
    raw = text_param(params, name)
    if raw is None:
        return None
    values = [v.strip() for v in raw.split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        message = _("Unknown value: %(value)s.") % {"value": ", ".join(unknown)}
        raise ValidationFailed.on(name, message)
    return values


class TicketCreateView(APIView):
    @extend_schema(
        request=s.TicketInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={201: s.TicketSerializer, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request):
        data = s.TicketInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(author=request.user, **data.validated_data)
        ticket = selectors.ticket_for_user(user=request.user, pk=ticket.pk)
        return Response(s.TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


STATUS_FILTER = OpenApiParameter("status", str, description="Comma-separated statuses.")


class MyTicketListView(generics.GenericAPIView):
    serializer_class = s.TicketSerializer

    @extend_schema(parameters=[STATUS_FILTER], responses=s.TicketSerializer(many=True))
    def get(self, request):
        qs = selectors.tickets_for_user(
            user=request.user,
            status=_choice_list(request.query_params, "status", Ticket.Status.values),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.TicketSerializer(page, many=True).data)


class MyTicketDetailView(APIView):
    @extend_schema(responses=s.TicketSerializer)
    def get(self, request, pk: int):
        ticket = selectors.ticket_for_user(user=request.user, pk=pk)
        if ticket is None:
            raise Http404
        return Response(s.TicketSerializer(ticket).data)


class AdminTicketListView(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.StaffTicketSerializer

    @extend_schema(
        parameters=[
            STATUS_FILTER,
            OpenApiParameter("category", str, description="Comma-separated categories."),
            OpenApiParameter("author", int),
            OpenApiParameter("seat", int),
            OpenApiParameter("start", str, description="Filed at or after (ISO 8601)."),
            OpenApiParameter("end", str, description="Filed before (ISO 8601)."),
        ],
        responses=s.StaffTicketSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        qs = selectors.tickets_for_staff(
            status=_choice_list(params, "status", Ticket.Status.values),
            category=_choice_list(params, "category", Ticket.Category.values),
            author=int_param(params, "author"),
            seat=int_param(params, "seat"),
            start=datetime_param(params, "start"),
            end=datetime_param(params, "end"),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.StaffTicketSerializer(page, many=True).data)


class AdminTicketStatusView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=s.TicketStatusInputSerializer, responses=s.StaffTicketSerializer)
    def patch(self, request, pk: int):
        ticket = Ticket.objects.filter(pk=pk).first()
        if ticket is None:
            raise Http404
        data = s.TicketStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_set_status(ticket=ticket, by=request.user, **data.validated_data)
        ticket = selectors.tickets_for_staff().get(pk=pk)
        return Response(s.StaffTicketSerializer(ticket).data)
