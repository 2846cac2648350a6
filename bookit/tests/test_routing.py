"""bookit.routing: each path's match is remembered; misses and changed URLconfs are not."""

import pytest
from django.urls import Resolver404, clear_url_caches, get_resolver, include, path, resolve

from bookit.routing import RememberingResolver


def _remembering() -> RememberingResolver:
    (resolver,) = get_resolver().url_patterns
    assert isinstance(resolver, RememberingResolver)
    return resolver


def test_every_route_sits_behind_one_remembering_resolver():
    resolver = _remembering()
    resolver.remembered.cache_clear()
    first = resolve("/api/reservations")
    again = resolve("/api/reservations")
    info = resolver.remembered.cache_info()
    assert (info.hits, info.misses) == (1, 1)
    # The request's own match is built each time from the remembered one, with the same
    # answers as before: view, name, namespaces, route and captured arguments.
    assert first is not again
    assert first.view_name == again.view_name == "reservations-api:reservations"
    assert first.route == again.route == "api/reservations/?$"
    match = resolve("/api/reservations/12")
    assert (match.url_name, match.kwargs) == ("reservation", {"pk": "12"})
    assert resolve("/api/reservations/13").kwargs == {"pk": "13"}


def test_a_path_that_matches_nothing_is_not_remembered_and_still_lists_what_was_tried():
    resolver = _remembering()
    resolver.remembered.cache_clear()
    for _ in range(2):
        with pytest.raises(Resolver404) as missed:
            resolve("/api/no-such-thing")
        assert missed.value.args[0]["tried"]
    assert resolver.remembered.cache_info().currsize == 0


def test_the_memory_is_bounded():
    resolver = _remembering()
    resolver.remembered.cache_clear()
    assert resolver.remembered.cache_info().maxsize == RememberingResolver.MAX_PATHS


def test_wrap_keeps_the_include_s_route_namespace_and_kwargs():
    inner = [path("x/<int:pk>", lambda request, pk: None, name="x")]
    wrapped = RememberingResolver.wrap(
        path("p/", include((inner, "app"), namespace="ns"), {"extra": 1})
    )
    match = wrapped.resolve("p/x/5")
    assert (match.namespace, match.url_name, match.kwargs) == ("ns", "x", {"pk": 5, "extra": 1})
    assert wrapped.resolve("p/x/5") is match
    assert wrapped.remembered.cache_info().hits == 1


def test_a_new_urlconf_gets_new_resolvers(settings):
    settings.ROOT_URLCONF = "reservations.tests.urls_elsewhere"
    clear_url_caches()
    try:
        assert resolve("/elsewhere/").url_name == "home"
        with pytest.raises(Resolver404):
            resolve("/api/reservations")
    finally:
        clear_url_caches()
