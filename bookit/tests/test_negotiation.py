"""bookit.negotiation answers what DRF's own negotiation answers, with or without parsing."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from bookit.negotiation import ContentNegotiation

API = [JSONRenderer(), BrowsableAPIRenderer()]
ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,*/*;q=0.8",
    "application/*",
    "image/png",
    "",
]
QUERIES = ["", "start=2030-01-01", "format=api", "format=json", "%66ormat=api", "reformat=1"]


def _request(accept: str | None, query: str) -> Request:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    path = f"/api/seat?{query}" if query else "/api/seat"
    return Request(APIRequestFactory().get(path, **headers))


def _answer(negotiation, request: Request, renderers, suffix=None):
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except NotAcceptable:
        return "406"
    except Http404:  # a format no renderer has
        return "404"
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_same_renderer_and_media_type_as_drf(accept, query):
    drf = _answer(DefaultContentNegotiation(), _request(accept, query), API)
    assert _answer(ContentNegotiation(), _request(accept, query), API) == drf


@pytest.mark.parametrize("suffix", [None, "json", "api"])
def test_a_format_suffix_and_other_renderers_go_through_drf(suffix):
    for renderers in (API, API[::-1], [BrowsableAPIRenderer()], []):
        for accept in (None, "*/*", "application/json"):
            drf = _answer(DefaultContentNegotiation(), _request(accept, ""), renderers, suffix)
            ours = _answer(ContentNegotiation(), _request(accept, ""), renderers, suffix)
            assert ours == drf


def test_the_usual_request_is_answered_without_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(DefaultContentNegotiation, "_get_parsed_accept_list", refuse)
    request = _request("*/*", "")
    assert _answer(ContentNegotiation(), request, API) == ("JSONRenderer", "application/json")
    with pytest.raises(AssertionError, match="parsed"):
        ContentNegotiation().select_renderer(_request("text/html", ""), API)


def test_the_api_uses_it(client):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is ContentNegotiation
    response = client.get("/api/seat", HTTP_ACCEPT="image/png")
    assert response.status_code in (401, 406)  # refused either way, never a 500
