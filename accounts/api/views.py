from django.conf import settings
from django.contrib.auth import logout as session_logout
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts import services_credentials as credentials
from accounts.api import serializers as s
from accounts.jwt import delete_jwt_cookies, follow_rotation, set_jwt_cookies, tokens_for_user
from accounts.models import User
from accounts.permissions import IsStaff
from bookit.errors import ValidationFailed
from bookit.params import bool_param, text_param
from bookit.throttling import ScopedRateThrottle


class AuthThrottleMixin:
    # Per client IP on the cache (shared by all replicas when Redis is configured); the
    # DB-backed lockout in services.login_check_allowed works even when the cache is down.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        # Without authenticators DRF would turn 401 into 403; a bad token is a 401.
        return 'Bearer realm="api"'


class AccountEmailThrottleMixin(AuthThrottleMixin):
    # Each request may send an email: a tighter budget per client IP than logins.
    throttle_scope = "account_email"


class RegisterView(AccountEmailThrottleMixin, APIView):
    """201 whether or not the address is taken; ``id`` is the new account's, or a reserved id
    no account has (accounts.services.Registration). The account logs in once the link
    emailed to the address is opened (``auth/register/confirm``)."""

    @extend_schema(request=s.RegisterInputSerializer, responses={201: s.UserPublicSerializer})
    def post(self, request):
        data = s.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.user_register(
            **data.validated_data, language=translation.get_language()
        )
        answer = User(
            pk=registration.id,
            email=registration.email,
            first_name=registration.first_name,
            last_name=registration.last_name,
            is_verified=False,
        )
        return Response(s.UserPublicSerializer(answer).data, status=status.HTTP_201_CREATED)


class RegisterConfirmView(AuthThrottleMixin, APIView):
    """The emailed link's token confirms the address; the account can log in from then on."""

    @extend_schema(request=s.EmailConfirmSerializer, responses={200: s.UserPublicSerializer})
    def post(self, request):
        data = s.EmailConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = credentials.registration_confirm(token=data.validated_data["token"])
        return Response(s.UserPublicSerializer(user).data)


class PasswordResetView(AccountEmailThrottleMixin, APIView):
    @extend_schema(request=s.PasswordResetSerializer, responses={204: None})
    def post(self, request):
        data = s.PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials.password_reset_request(email=data.validated_data["email"])
        # The same answer whether or not the address has an account.
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetConfirmView(AuthThrottleMixin, APIView):
    @extend_schema(request=s.PasswordResetConfirmSerializer, responses={204: None})
    def post(self, request):
        data = s.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials.password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailChangeView(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "account_email"

    @extend_schema(request=s.EmailChangeSerializer, responses={202: s.DetailSerializer})
    def post(self, request):
        data = s.EmailChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials.email_change_request(user=request.user, **data.validated_data)
        detail = _("We sent a confirmation link to the new address.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class EmailConfirmView(AuthThrottleMixin, APIView):
    """The link's token is the proof: it works from any browser, signed in or not."""

    @extend_schema(request=s.EmailConfirmSerializer, responses={200: s.UserPublicSerializer})
    def post(self, request):
        data = s.EmailConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = credentials.email_change_confirm(token=data.validated_data["token"])
        return Response(s.UserPublicSerializer(user).data)


class LoginView(AuthThrottleMixin, APIView):
    schema_errors = ("401",)

    @extend_schema(request=s.LoginInputSerializer, responses={200: s.TokenPairSerializer})
    def post(self, request):
        data = s.LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.login_authenticate(
            request=request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            ip=services.client_ip(request),
        )
        tokens = tokens_for_user(user)
        return set_jwt_cookies(Response(tokens), **tokens)


def _refresh_from(request) -> str:
    token = request.data.get("refresh") if hasattr(request.data, "get") else None
    token = token or request.COOKIES.get(settings.JWT_REFRESH_COOKIE)
    if not token:
        message = _("A refresh token is required.")
        raise ValidationFailed.on("refresh", message)
    return token


class RefreshView(AuthThrottleMixin, APIView):
    schema_errors = ("401",)

    @extend_schema(request=s.RefreshInputSerializer, responses={200: s.AccessSerializer})
    def post(self, request):
        serializer = TokenRefreshSerializer(data={"refresh": _refresh_from(request)})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            from rest_framework_simplejwt.exceptions import InvalidToken

            raise InvalidToken(exc.args[0]) from exc
        data = serializer.validated_data
        follow_rotation(
            request, old_refresh=serializer.initial_data["refresh"], new_refresh=data.get("refresh")
        )
        return set_jwt_cookies(Response(data), access=data["access"], refresh=data.get("refresh"))


class LogoutView(AuthThrottleMixin, APIView):
    @extend_schema(request=s.RefreshInputSerializer, responses={204: None})
    def post(self, request):
        token = _refresh_from(request)
        try:
            RefreshToken(token).blacklist()
        except TokenError:
            # Already blacklisted or expired: the token no longer works, which is what logout
            # promises, so the answer is the same.
            pass
        session_logout(request)
        return delete_jwt_cookies(Response(status=status.HTTP_204_NO_CONTENT))


class MeView(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user, context={"request": request}).data)

    @extend_schema(request=s.MeUpdateSerializer, responses=s.MeSerializer)
    def patch(self, request):
        data = s.MeUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **data.validated_data)
        return Response(s.MeSerializer(user, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        services.user_delete(user=request.user)
        session_logout(request)
        return delete_jwt_cookies(Response(status=status.HTTP_204_NO_CONTENT))


class AdminVerifyUserView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=s.VerifyInputSerializer, responses=s.AdminUserSerializer)
    def post(self, request, user_id: int):
        user = get_object_or_404(User, pk=user_id)
        data = s.VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_verify(user=user, by=request.user, verified=data.validated_data["verified"])
        return Response(s.AdminUserSerializer(user).data)


class AdminUserListView(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = s.AdminUserSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("verified", bool, description="Filter by verification."),
            OpenApiParameter("search", str, description="Email or name contains."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = User.objects.order_by("-date_joined", "id")
        params = self.request.query_params
        verified = bool_param(params, "verified")
        if verified is not None:
            qs = qs.filter(is_verified=verified)
        search = text_param(params, "search")
        if search:
            qs = qs.filter(
                Q(email__icontains=search)
                | Q(first_name__icontains=search)
                | Q(last_name__icontains=search)
            )
        return qs
