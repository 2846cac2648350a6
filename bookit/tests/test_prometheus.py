"""bookit.prometheus: django-prometheus' request metrics, the same counts with each labelled
child looked up once."""

import pytest
from django.conf import settings
from django_prometheus.middleware import Metrics

from bookit.prometheus import PrometheusAfterMiddleware

pytestmark = pytest.mark.django_db


def _value(metric, **labels) -> float:
    name = metric._name
    for family in metric.collect():
        for sample in family.samples:
            if sample.name in (name + "_total", name + "_count") and sample.labels == labels:
                return sample.value
    return 0.0


def test_it_is_the_last_middleware():
    assert settings.MIDDLEWARE[-1] == "bookit.prometheus.PrometheusAfterMiddleware"


def test_requests_and_responses_are_counted_by_their_labels(client, member_api):
    metrics = Metrics.get_instance()
    view = "healthz"
    before = {
        "get": _value(metrics.requests_by_method, method="GET"),
        "post": _value(metrics.requests_by_method, method="POST"),
        "http": _value(metrics.requests_by_transport, transport="http"),
        "ajax": _value(metrics.requests_ajax),
        "body": _value(metrics.requests_body_bytes),
        "view": _value(
            metrics.requests_by_view_transport_method, view=view, transport="http", method="GET"
        ),
        "200": _value(metrics.responses_by_status, status="200"),
        "404": _value(metrics.responses_by_status, status="404"),
        "latency": _value(metrics.requests_latency_by_view_method, view=view, method="GET"),
    }
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/healthz", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert client.get("/no-such-page/").status_code == 404
    member_api.post("/api/reservations", {}, format="json")
    assert _value(metrics.requests_by_method, method="GET") == before["get"] + 5
    assert _value(metrics.requests_by_method, method="POST") == before["post"] + 1
    assert _value(metrics.requests_by_transport, transport="http") == before["http"] + 6
    assert _value(metrics.requests_ajax) == before["ajax"] + 1
    assert _value(metrics.requests_body_bytes) == before["body"] + 6
    assert (
        _value(metrics.requests_by_view_transport_method, view=view, transport="http", method="GET")
        == before["view"] + 4
    )
    assert _value(metrics.responses_by_status, status="200") == before["200"] + 4
    assert _value(metrics.responses_by_status, status="404") == before["404"] + 1
    assert (
        _value(metrics.requests_latency_by_view_method, view=view, method="GET")
        == before["latency"] + 4
    )


def test_a_child_is_looked_up_once_and_is_the_metrics_own():
    metrics = Metrics.get_instance()
    middleware = PrometheusAfterMiddleware(lambda request: None)
    first = middleware.label_metric(metrics.responses_by_status, None, status="201")
    assert middleware.label_metric(metrics.responses_by_status, None, status="201") is first
    assert first is metrics.responses_by_status.labels(status="201")
    assert middleware.label_metric(metrics.requests_ajax, None) is metrics.requests_ajax
