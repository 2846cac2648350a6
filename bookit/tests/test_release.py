"""A served request leaves no reference cycle behind (bookit.middleware.ReleaseOnCloseMiddleware,
AuthenticationMiddleware, LazyMessageMiddleware): its objects are freed by reference counting
when the response is closed, not by the cyclic garbage collector (issue 15)."""

import gc
import io
import urllib.parse

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from accounts.jwt import tokens_for_user
from bookit.tests.clock import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def serve():
    """Serve one request through the WSGI handler as a server does (and close it), returning
    the kinds of object it left in reference cycles."""
    handler = WSGIHandler()
    # As Django's test client does: the test's transaction must survive the request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def call(path: str, query: str = "", **headers: str) -> tuple[str, set[str]]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            **headers,
        }
        status: list[str] = []
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            response = handler(environ, lambda s, h, *a: status.append(s))
            b"".join(response)
            response.close()
            del response
            gc.collect()
            left = {
                f"{type(o).__module__}.{type(o).__qualname__}"
                for o in _without_cursor_classes(gc.garbage)
            }
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        return status[0], left

    yield call
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _without_cursor_classes(garbage: list) -> list:
    """django-prometheus's SQLite backend (the embedded default, not production's PostgreSQL)
    defines a cursor class per cursor, each a cycle of its own: leave those out."""
    skip: dict[int, object] = {}
    todo = [o for o in garbage if isinstance(o, type) and o.__module__.startswith("django_prom")]
    ids = {id(o) for o in garbage}
    while todo:
        obj = todo.pop()
        if id(obj) in skip or id(obj) not in ids:
            continue
        skip[id(obj)] = obj
        todo.extend(gc.get_referents(obj))
    return [o for o in garbage if id(o) not in skip]


REQUEST_OBJECTS = {
    "django.core.handlers.wsgi.WSGIRequest",
    "rest_framework.request.Request",
    "rest_framework.response.Response",
    "django.http.response.JsonResponse",
}


def test_a_page_request_leaves_no_cycle(serve):
    status, left = serve("/healthz")
    assert status.startswith("200")
    assert left == set()


def test_an_api_read_leaves_no_cycle(serve, member, seat):
    bearer = f"Bearer {tokens_for_user(member)['access']}"
    start, end = NOW.replace(hour=10), NOW.replace(hour=12)
    query = urllib.parse.urlencode({"start": start.isoformat(), "end": end.isoformat()})
    serve("/api/seat", query, HTTP_AUTHORIZATION=bearer)  # first use: caches, lazy imports
    status, left = serve("/api/seat", query, HTTP_AUTHORIZATION=bearer)
    assert status.startswith("200")
    assert left == set()


def test_api_errors_leave_no_cycle(serve, member):
    # (A path with no route is Django's 404 view, which keeps its exception chain in a cycle.)
    bearer = f"Bearer {tokens_for_user(member)['access']}"
    serve("/api/seat", "start=nonsense&end=x", HTTP_AUTHORIZATION=bearer)
    for path, query, headers, code in [
        ("/api/seat", "start=nonsense&end=x", {"HTTP_AUTHORIZATION": bearer}, "400"),
        ("/api/seat", "", {}, "401"),
    ]:
        status, left = serve(path, query, **headers)
        assert status.startswith(code), (path, status)
        assert not left & REQUEST_OBJECTS, (path, left)


PAGE_OBJECTS = {
    "django.core.handlers.wsgi.WSGIRequest",
    "django.template.context.RequestContext",
    "django.template.context.ContextDict",
    "django.forms.boundfield.BoundField",
    "reservations.forms.MapForm",
    "django.contrib.messages.storage.fallback.FallbackStorage",
    "seats.selectors.SeatRow",
}


def test_a_rendered_page_leaves_no_context_form_or_messages_cycle(serve, client, member, seat):
    # The floor map: a template with context processors, forms, the messages it shows.
    client.force_login(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert serve("/", HTTP_COOKIE=cookie)[0].startswith("200")
    status, left = serve("/", HTTP_COOKIE=cookie)
    assert status.startswith("200")
    assert not left & PAGE_OBJECTS, left
