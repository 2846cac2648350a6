"""bookit.middleware.LocaleMiddleware answers as Django's LocaleMiddleware does."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory
from django.urls import clear_url_caches
from django.utils import translation

from bookit.middleware import LocaleMiddleware

CASES = [
    ("/api/reservations", {}),
    ("/", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}),
    ("/en/", {"HTTP_ACCEPT_LANGUAGE": "de"}),
    ("/ru/api/seat", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/tickets/", {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"}),
    ("/tickets/", {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=xx"}),
]


def _run(middleware_class, path: str, meta: dict, status: int = 200, vary: str = ""):
    def view(request):
        response = HttpResponse(request.LANGUAGE_CODE, status=status)
        if vary:
            response["Vary"] = vary
        return response

    request = RequestFactory().get(path, **meta)
    with translation.override(None):
        response = middleware_class(view)(request)
        active = translation.get_language()
    return (
        response.status_code,
        response.content,
        response.get("Vary"),
        response.get("Content-Language"),
        response.get("Location"),
        active,
    )


@pytest.mark.parametrize("path,meta", CASES)
@pytest.mark.parametrize("status", [200, 404])
def test_the_same_language_and_headers_as_django(path, meta, status):
    ours = _run(LocaleMiddleware, path, meta, status, vary="Accept, Cookie")
    assert ours == _run(DjangoLocaleMiddleware, path, meta, status, vary="Accept, Cookie")


def test_an_api_path_is_not_asked_for_a_language(monkeypatch):
    def refuse(path):
        raise AssertionError(f"asked {path}")

    monkeypatch.setattr(translation, "get_language_from_path", refuse)
    status, content, vary, language, _location, _active = _run(
        LocaleMiddleware, "/api/reservations", {"HTTP_ACCEPT_LANGUAGE": "en"}
    )
    assert (status, content, vary, language) == (200, b"en", "Accept-Language", "en")


def test_with_language_prefixed_urls_it_is_django_s_middleware(settings):
    settings.ROOT_URLCONF = "bookit.tests.urls_i18n"
    clear_url_caches()
    try:
        for status in (200, 404):
            for path, meta in CASES:
                ours = _run(LocaleMiddleware, path, meta, status)
                assert ours == _run(DjangoLocaleMiddleware, path, meta, status)
        # Django's redirect to the language-prefixed URL, which only it makes.
        redirect = _run(LocaleMiddleware, "/page/", {"HTTP_ACCEPT_LANGUAGE": "en"}, 404)
        assert redirect[0] == 302 and redirect[4] == "/en/page/"
    finally:
        clear_url_caches()
