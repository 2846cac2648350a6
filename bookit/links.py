"""The origin of absolute links (calendar files, check-in QR codes, Telegram messages).

``SITE_URL`` wins when set: in production behind a proxy the public origin is what members must
reach. Without it a link is built on the host the request came to (Django checks it against
ALLOWED_HOSTS), so a site opened as http://192.168.1.5:8000 hands out links to that address,
not to 127.0.0.1. Code called without the request in hand (a notification rendered right after
the booking's commit) finds the current one through the request memo; code outside any request
(the scheduler's deliveries) falls back to the dev server.
"""

from django.conf import settings
from django.http import HttpRequest

from bookit.memo import peek

DEV_SERVER = "http://127.0.0.1:8000"  # `make run`'s address, for links made without a request
REQUEST_MEMO_KEY = "bookit.links.request"  # set by bookit.middleware.RequestMemoMiddleware


def site_url(request: HttpRequest | None = None) -> str:
    """The scheme and host, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    current = request if request is not None else peek(REQUEST_MEMO_KEY)
    if current is not None:  # an HttpRequest, or DRF's Request around one
        return current.build_absolute_uri("/").rstrip("/")  # type: ignore[attr-defined]
    return DEV_SERVER


def absolute(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (starting with /) on the site's origin."""
    return site_url(request) + path
