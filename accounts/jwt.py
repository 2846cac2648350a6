"""Issuing our JWT pair and putting it into HttpOnly cookies (browser clients)."""

from django.conf import settings
from django.contrib.auth.models import update_last_login
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User


def tokens_for_user(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    update_last_login(None, user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


# The page login's refresh token, by its jti, so page logout can blacklist it: the refresh cookie
# is scoped to /api/auth/ and never reaches /logout/.
SESSION_REFRESH_JTI = "jwt_refresh_jti"


def tokens_for_session(request, user: User) -> dict[str, str]:
    """The pair a page login issues to the browser, remembered in the session."""
    tokens = tokens_for_user(user)
    request.session[SESSION_REFRESH_JTI] = RefreshToken(tokens["refresh"])["jti"]
    return tokens


def follow_rotation(request, *, old_refresh: str, new_refresh: str | None) -> None:
    """After /api/auth/refresh rotated the session's token, remember its successor."""
    session = getattr(request, "session", None)
    if not new_refresh or session is None or SESSION_REFRESH_JTI not in session:
        return
    try:
        old_jti = RefreshToken(old_refresh, verify=False)["jti"]
    except TokenError:
        return
    if session[SESSION_REFRESH_JTI] == old_jti:
        session[SESSION_REFRESH_JTI] = RefreshToken(new_refresh, verify=False)["jti"]


def revoke_session_tokens(request) -> None:
    """Blacklist the refresh token this browser session was given, as api/auth/logout does."""
    jti = request.session.get(SESSION_REFRESH_JTI)
    if not jti:
        return
    token = OutstandingToken.objects.filter(jti=jti).first()
    if token is not None:
        BlacklistedToken.objects.get_or_create(token=token)


def set_jwt_cookies(response, *, access: str, refresh: str | None = None):
    jwt = settings.SIMPLE_JWT
    common = {"httponly": True, "secure": settings.JWT_COOKIE_SECURE, "samesite": "Lax"}
    response.set_cookie(
        settings.JWT_ACCESS_COOKIE,
        access,
        max_age=int(jwt["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        path="/",
        **common,
    )
    if refresh:
        response.set_cookie(
            settings.JWT_REFRESH_COOKIE,
            refresh,
            max_age=int(jwt["REFRESH_TOKEN_LIFETIME"].total_seconds()),
            path=settings.JWT_REFRESH_COOKIE_PATH,
            **common,
        )
    return response


def delete_jwt_cookies(response):
    response.delete_cookie(settings.JWT_ACCESS_COOKIE, path="/", samesite="Lax")
    response.delete_cookie(
        settings.JWT_REFRESH_COOKIE, path=settings.JWT_REFRESH_COOKIE_PATH, samesite="Lax"
    )
    return response
