from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaff
from integrations.webhooks import services
from integrations.webhooks.api import serializers as s
from integrations.webhooks.events import EVENT_TYPES
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint


class EndpointListView(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.EndpointSerializer

    @extend_schema(responses=s.EndpointSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(WebhookEndpoint.objects.order_by("id"))
        return self.get_paginated_response(s.EndpointSerializer(page, many=True).data)

    @extend_schema(
        request=s.EndpointInputSerializer, responses={201: s.EndpointWithSecretSerializer}
    )
    def post(self, request):
        data = s.EndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(by=request.user, **data.validated_data)
        return Response(
            s.EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class EndpointDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=s.EndpointSerializer)
    def get(self, request, pk: int):
        return Response(s.EndpointSerializer(get_object_or_404(WebhookEndpoint, pk=pk)).data)

    @extend_schema(request=s.EndpointUpdateSerializer, responses=s.EndpointSerializer)
    def patch(self, request, pk: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        data = s.EndpointUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint, by=request.user, **data.validated_data
        )
        return Response(s.EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        services.webhook_endpoint_delete(endpoint=endpoint, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecretView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=s.EndpointWithSecretSerializer)
    def post(self, request, pk: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        endpoint = services.webhook_endpoint_rotate_secret(endpoint=endpoint, by=request.user)
        return Response(s.EndpointWithSecretSerializer(endpoint).data)


class DeliveryListView(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.DeliverySerializer

    @extend_schema(responses=s.DeliverySerializer(many=True))
    def get(self, request, pk: int):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        page = self.paginate_queryset(endpoint.deliveries.order_by("-id"))
        return self.get_paginated_response(s.DeliverySerializer(page, many=True).data)


class DeliveryRetryView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    def post(self, request, pk: int, delivery_id: int):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, endpoint_id=pk)
        delivery = services.webhook_delivery_retry(delivery=delivery, by=request.user)
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EventTypeListView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=s.EventTypeSerializer(many=True))
    def get(self, request):
        return Response([{"type": k, "description": str(v)} for k, v in EVENT_TYPES.items()])
