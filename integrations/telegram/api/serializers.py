from rest_framework import serializers

from bookit.fields import IdField


class LinkTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class ConnectInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)
    telegram_id = IdField()
    username = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ConnectOutputSerializer(serializers.Serializer):
    linked = serializers.BooleanField()
    user_id = serializers.IntegerField()
    language = serializers.CharField()


class ExistsInputSerializer(serializers.Serializer):
    telegram_id = IdField()


class ExistsOutputSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
