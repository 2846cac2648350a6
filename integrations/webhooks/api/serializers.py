from rest_framework import serializers

from integrations.webhooks.events import EVENT_TYPES
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint


class EndpointInputSerializer(serializers.Serializer):
    # Shape only; the URL rules (scheme, SSRF guard) and event rules live in services.py.
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(child=serializers.CharField(max_length=40), allow_empty=True)
    is_active = serializers.BooleanField(required=False, default=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EndpointUpdateSerializer(EndpointInputSerializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=True, required=False
    )
    is_active = serializers.BooleanField(required=False)


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at"]


class EndpointWithSecretSerializer(EndpointSerializer):
    """Only the create and rotate answers carry the secret: it is shown once."""

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "response_status",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]


class EventTypeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(EVENT_TYPES))
    description = serializers.CharField()
