import weakref
from functools import partial

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """The security headers Django does not set itself.

    Django's SecurityMiddleware already sends HSTS, nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options. This adds:
    - Content-Security-Policy: everything from our own origin (no CDN anywhere), plus the media
      host when avatars are public S3/MinIO URLs and Yandex's OAuth form target when enabled;
      `frame-ancestors 'none'` is the modern X-Frame-Options.
    - Permissions-Policy: no powerful browser feature, except the camera for our own pages
      (staff scan check-in QR codes).
    A view may set its own CSP (setdefault), e.g. a page that needs a wider policy.
    """

    POLICY = (
        "default-src 'self'; img-src 'self' data: blob: {media}; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self' {forms}; base-uri 'self'; object-src 'none'"
    )
    PERMISSIONS = (
        "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        media = ""
        options = settings.STORAGES["default"].get("OPTIONS", {})
        if options.get("custom_domain"):
            media = (
                f"{options.get('url_protocol', 'http:')}//{options['custom_domain'].split('/')[0]}"
            )
        forms = (
            "https://oauth.yandex.com https://oauth.yandex.ru" if settings.YANDEX_ENABLED else ""
        )
        self.policy = " ".join(self.POLICY.format(media=media, forms=forms).split())
        self.policy = self.policy.replace(" ;", ";")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", self.PERMISSIONS)
        return response


class RequestMemoMiddleware:
    """Opens the per-request memo (bookit.memo): e.g. the booking policy is read once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from bookit.links import REQUEST_MEMO_KEY
        from bookit.memo import memo_scope, memoized

        with memo_scope():
            # Absolute links made anywhere in the request (bookit.links) use its host.
            memoized(REQUEST_MEMO_KEY, lambda: request)
            return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """Under /api/, a 404 or 405 from outside DRF (no route, a plain Django view) is JSON too.

    DRF views already answer in the one error schema; an unknown path, or a wrong method on a
    non-DRF view, would otherwise get Django's HTML page, which an API client cannot read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            if response.status_code == 404:
                detail = _("Not found.")
            else:
                detail = _('Method "%(method)s" not allowed.') % {"method": request.method}
            json_response = JsonResponse(
                {"detail": detail, "errors": {}}, status=response.status_code
            )
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with the message storage built when first used.

    The storage (cookie, then session) signs and reads on creation; API requests and most page
    views never add or show a message, so building it per request was pure overhead. A storage
    nobody touched has nothing to write back either.
    """

    def process_request(self, request: HttpRequest) -> None:
        # Through a weak reference, as the user below: no reference cycle until it is built.
        request._messages = SimpleLazyObject(partial(_message_storage, weakref.ref(request)))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = request.__dict__.get("_messages")
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


def _alive(ref: "weakref.ref[HttpRequest]") -> HttpRequest:
    request = ref()
    if request is None:  # cannot happen: the lazy values are the request's own attributes
        raise RuntimeError("the request is gone")
    return request


def _message_storage(ref: "weakref.ref[HttpRequest]"):
    # The storage keeps its request: a proxy, so that the request and its storage are no cycle.
    return default_storage(weakref.proxy(_alive(ref)))


def _user(ref: "weakref.ref[HttpRequest]"):
    request = _alive(ref)
    _move_legacy_backend(request)
    return auth_middleware.get_user(request)


# Sessions store the dotted path of the backend that logged them in; those made before
# accounts.backends.ModelBackend existed name Django's.
LEGACY_BACKENDS = {"django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend"}


def _move_legacy_backend(request: HttpRequest) -> None:
    """A session logged in before accounts.backends.ModelBackend names Django's class, which is
    no longer listed (listing both would hash a wrong password twice): it is moved to ours,
    the same backend with a cheaper user read, so nobody is logged out by the change."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    session = getattr(request, "session", None)
    if session is None:
        return
    path = session.get(BACKEND_SESSION_KEY)
    if path in LEGACY_BACKENDS:
        session[BACKEND_SESSION_KEY] = LEGACY_BACKENDS[path]


async def _auser(ref: "weakref.ref[HttpRequest]"):
    from asgiref.sync import sync_to_async

    request = _alive(ref)
    await sync_to_async(_move_legacy_backend)(request)
    return await auth_middleware.auser(request)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, without reading a language from the path when no URL pattern carries one.

    Without ``i18n_patterns`` Django still asks the path for a language on the way in and on
    the way out, and then ignores the answer; ``/api/...`` reads as the language code "api",
    refused each time by raising LookupError (about 3 % of a booking POST's instructions).
    The language (cookie, Accept-Language, LANGUAGE_CODE), the Vary and Content-Language
    headers are Django's; with ``i18n_patterns`` in the URLconf this is Django's middleware.
    """

    def process_request(self, request: HttpRequest) -> None:
        if _language_in_paths(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if _language_in_paths(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _language_in_paths(request: HttpRequest) -> bool:
    return is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the lazy ``request.user`` and ``request.auser`` holding the request
    weakly: Django's lambda and partial make every request a reference cycle (issue 15, see
    ReleaseOnCloseMiddleware). The request outlives both (they are its attributes)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # the session check; its lazy values are replaced
        ref = weakref.ref(request)
        request.user = SimpleLazyObject(partial(_user, ref))  # type: ignore[assignment]
        request.auser = partial(_auser, ref)


class ReleaseOnCloseMiddleware:
    """Lets reference counting free a request's objects as soon as its response is sent.

    DRF leaves every API request's objects in reference cycles: the view holds its Request
    and its Response, and both hold the view back (``parser_context``, ``renderer_context``,
    which also holds the response itself). Everything they reach — an availability answer is
    400 dicts and lists — then waited for the cyclic garbage collector, whose full collections
    walk the whole heap: under load about a sixth of the app's CPU (issue 15). Once the server
    has sent the response and closed it, this drops those back references. What tests read
    afterwards (``response.data``, ``.context``, ``.wsgi_request``) stays. The lazy user and
    messages are built without a cycle (AuthenticationMiddleware, LazyMessageMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # What Django's own handler uses to close the request with the response.
        response._resource_closers.append(partial(release_cycles, response))
        return response


def release_cycles(response: HttpResponse) -> None:
    """Drops the DRF view's back references of a sent response (see ReleaseOnCloseMiddleware)."""
    context = response.__dict__.pop("renderer_context", None)
    if not context:
        return
    view, request = context.get("view"), context.get("request")
    if view is not None:  # its request, response, and Django's ``head = self.get``
        view.__dict__.clear()
    if request is not None:  # DRF's Request: its parser context holds it and the view
        request.__dict__.pop("parser_context", None)
