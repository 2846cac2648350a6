"""bookit.prometheus: django-prometheus' request metrics, the same counts with each labelled
child looked up once."""

import pytest
from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import resolve
from django_prometheus import middleware
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


def _samples(metrics) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in vars(metrics).values()
        if hasattr(metric, "collect")
        for family in metric.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


def _delta(before: dict, after: dict) -> dict:
    return {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}


@pytest.mark.parametrize(
    "make",
    [
        lambda: HttpResponse(b"hello", content_type="text/plain; charset=koi8-r", status=201),
        lambda: JsonResponse({"ok": True}),
        lambda: StreamingHttpResponse(iter([b"a", b"b"])),
        lambda: HttpResponse(b"", status=404),
    ],
    ids=["charset", "json", "streaming", "404"],
)
@pytest.mark.parametrize("timed", [True, False])
def test_process_response_counts_what_upstreams_does(rf, make, timed):
    metrics = Metrics.get_instance()
    ours = PrometheusAfterMiddleware(lambda request: None)
    deltas = []
    for process_response in (middleware.PrometheusAfterMiddleware.process_response, None):
        request = rf.post("/api/reservations")
        request.resolver_match = resolve("/api/reservations")
        if timed:
            request.prometheus_after_middleware_event = 0.0
        before = _samples(metrics)
        response = make()
        if process_response is None:
            assert ours.process_response(request, response) is response
        else:
            assert process_response(ours, request, response) is response
        deltas.append(_delta(before, _samples(metrics)))
    upstream, own = deltas
    # Latencies differ by the time between the two calls; their counts must not.
    assert {k: v for k, v in own.items() if not k[0].endswith("_sum")} == {
        k: v for k, v in upstream.items() if not k[0].endswith("_sum")
    }
    assert own
