"""JWT from the Authorization header (API clients) or from an HttpOnly cookie (browsers).

A cookie is sent by the browser automatically, so cookie-authenticated unsafe requests must pass
the same CSRF check as session-authenticated ones; a Bearer header cannot be forged cross-site.
"""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User
from bookit import rows


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class CookieJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        header = self.get_header(request)
        if header is not None:
            return super().authenticate(request)
        raw_token = request.COOKIES.get(settings.JWT_ACCESS_COOKIE)
        if not raw_token:
            return None
        try:
            validated = self.get_validated_token(raw_token.encode())
        except InvalidToken:
            # An expired cookie is normal for a browser: let the session (next authenticator)
            # answer; with no session the request is still a 401.
            return None
        user = self.get_user(validated)
        self.enforce_csrf(request)
        return user, validated

    def get_user(self, validated_token):
        """simplejwt's get_user, the user row read with SQL built once (bookit.rows) instead of
        a queryset compiled per request; the same checks and answers."""
        if api_settings.USER_ID_FIELD != "id" or api_settings.CHECK_REVOKE_TOKEN:
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        user = rows.get_by_pk(User, int(user_id))
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user

    def enforce_csrf(self, request) -> None:
        def dummy_get_response(request):  # pragma: no cover - never called
            return None

        check = _CSRFCheck(dummy_get_response)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class CookieJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.CookieJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": f"Bearer header, or the HttpOnly `{settings.JWT_ACCESS_COOKIE}` cookie "
            "(then the CSRF token header is required on unsafe methods).",
        }
