from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(
        required=False, help_text=_("Refresh token; defaults to the refresh cookie.")
    )


class AccessSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(required=False)


class UserPublicSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "is_verified"]


class VerifyInputSerializer(serializers.Serializer):
    verified = serializers.BooleanField(
        required=False, default=True, help_text=_("False withdraws the verification.")
    )


class AdminUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "is_verified",
            "is_staff",
            "verified_at",
            "date_joined",
        ]


class MeSerializer(serializers.ModelSerializer):
    telegram_linked = serializers.SerializerMethodField()
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "is_verified",
            "is_staff",
            "telegram_linked",
            "avatar_url",
            "language",
        ]

    def get_telegram_linked(self, user: User) -> bool:
        return user.telegram_id is not None

    def get_avatar_url(self, user: User) -> str:
        from accounts.avatars.images import avatar_url

        return avatar_url(user, request=self.context.get("request"))


class MeUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    language = serializers.CharField(max_length=8, required=False)


class AvatarUploadSerializer(serializers.Serializer):
    """Schema only: the view reads the file itself (field ``avatar``, or ``file``)."""

    avatar = serializers.ImageField(help_text=_("PNG, JPEG or WEBP; stored re-encoded as WEBP."))


class AvatarUrlsSerializer(serializers.Serializer):
    avatar_url = serializers.CharField(help_text=_("The 256x256 picture."))
    avatar_urls = serializers.DictField(
        child=serializers.CharField(), help_text=_("Edge length in pixels -> URL.")
    )


class AvatarSerializer(AvatarUrlsSerializer):
    is_default = serializers.BooleanField(help_text=_("True when the member has no own avatar."))


class DefaultAvatarSerializer(AvatarUrlsSerializer):
    is_builtin = serializers.BooleanField(help_text=_("True when staff set no default picture."))
