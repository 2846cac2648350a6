"""Log in with Yandex ID: our launcher page, social-auth's begin/complete, and the JWT bridge.

The flow: the button (or GET api/yandex/login) POSTs to api/yandex/login/start, social-auth
redirects to Yandex, Yandex redirects back to api/yandex/callback, the pipeline finds or creates
the account and logs it into the session, and the callback's redirect to the floor map (or to
the page the login started from) carries the JWT cookies for the API, as a password login does.
Every failure ends on the login page with a message, never a 500.

All of it answers 404 while YANDEX_ENABLED is off; the check runs per request so that the
setting (and test overrides of it) take effect without reloading the URLconf.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from social_core.exceptions import SocialAuthBaseException
from social_django import views as social_views

from accounts.jwt import set_jwt_cookies, tokens_for_session
from integrations.yandex.errors import user_message

logger = logging.getLogger(__name__)

BACKEND = "yandex"


def _require_enabled() -> None:
    if not settings.YANDEX_ENABLED:
        raise Http404


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""


def _failed(request: HttpRequest, exc: SocialAuthBaseException) -> HttpResponse:
    # Only the classification is logged: provider descriptions may carry personal data.
    level = logging.ERROR if exc.source == "configuration" else logging.WARNING
    logger.log(level, "Yandex ID login failed: code=%s stage=%s", exc.code, exc.stage)
    messages.error(request, user_message(exc))
    return redirect(settings.SOCIAL_AUTH_LOGIN_ERROR_URL)


@never_cache
@require_GET
def login_launcher(request: HttpRequest) -> HttpResponse:
    """GET api/yandex/login: a page that POSTs (with a CSRF token) to the begin URL by itself.

    social-auth accepts the start of the flow only as a CSRF-protected POST; links and API
    clients that can only navigate use this page. Without JavaScript it shows a button.
    """
    _require_enabled()
    return render(
        request,
        "integrations/yandex_login.html",
        {"action": reverse("social:begin", args=[BACKEND]), "next": _safe_next(request)},
    )


@never_cache
def begin(request: HttpRequest, backend: str) -> HttpResponse:
    """POST api/yandex/login/start: remember state, redirect to Yandex's authorize page."""
    _require_enabled()
    try:
        return social_views.auth(request, backend)
    except SocialAuthBaseException as exc:
        return _failed(request, exc)


@never_cache
@csrf_exempt  # the provider's redirect carries no CSRF token; the OAuth state protects it
def complete(request: HttpRequest, backend: str) -> HttpResponse:
    """GET api/yandex/callback: the redirect URI registered with Yandex."""
    _require_enabled()
    if not request.GET and not request.POST:
        # Opened by hand: nothing to complete, and social-auth would call it a lost session.
        return redirect(settings.SOCIAL_AUTH_LOGIN_ERROR_URL)
    try:
        response = social_views.complete(request, backend)
    except SocialAuthBaseException as exc:
        return _failed(request, exc)
    except IntegrityError:
        # Two first logins (or a registration) with one email at the same instant: the unique
        # email index let one win. Trying again links to the winner.
        logger.warning("Yandex ID login lost a race for a new account's email")
        messages.error(request, _("Could not log in with Yandex ID. Please try again."))
        return redirect(settings.SOCIAL_AUTH_LOGIN_ERROR_URL)
    if not request.user.is_authenticated:
        return response
    return _logged_in(request, response)


def _logged_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """social-auth has put the member into the session; add the API's JWT cookies.

    This wraps the callback's own redirect (to the floor map, or to the page the login started
    from) rather than living in a pipeline step, because a step that returns a response stops the
    login before the session exists, and rather than in a separate bridge URL, which social-auth
    skips whenever a ``next`` page was given.
    """
    user = request.user
    target = response.get("Location", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    if not user.is_verified and not user.is_staff:
        messages.info(request, _("Staff will verify your account before you can book seats."))
    translation.activate(user.language)
    final = redirect(target)
    set_jwt_cookies(final, **tokens_for_session(request, user))
    final.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    return final
