"""django-prometheus' request metrics, each labelled child found once (issue 15).

``PrometheusAfterMiddleware`` asks ``metric.labels(...)`` about eight times a request (a lock,
the label values checked and joined into a key each time) and builds ``request.headers`` (every
header of the request) to read two of them. Its documented hook ``label_metric`` is where a
child is looked up: here in a dictionary kept per middleware, keyed by the metric and the label
values. Label values are bounded as upstream's are (views, methods, status codes, templates,
charsets, exception types); the metric keeps every child it has made anyway. Same metric
families, labels and counts (bookit/tests/test_prometheus.py).
"""

from typing import Any

from django.http import HttpRequest
from django_prometheus import middleware
from django_prometheus.utils import Time, TimeSince

_MISSING = object()


class PrometheusAfterMiddleware(middleware.PrometheusAfterMiddleware):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._children: dict[tuple, Any] = {}

    def label_metric(self, metric: Any, request: HttpRequest, response: Any = None, **labels: Any):
        if not labels:
            return metric
        key = (metric, *labels.items())
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(**labels)
        return child

    def process_request(self, request: HttpRequest) -> None:
        # Upstream's, reading the two headers from META instead of building request.headers.
        method = self._method(request)
        metrics = self.metrics
        self.label_metric(metrics.requests_by_method, request, method=method).inc()
        transport = self._transport(request)
        self.label_metric(metrics.requests_by_transport, request, transport=transport).inc()
        if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            self.label_metric(metrics.requests_ajax, request).inc()
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        self.label_metric(metrics.requests_body_bytes, request).observe(content_length)
        request.prometheus_after_middleware_event = Time()  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        # Upstream's, each value worked out once: the view's name, and the charset (a property
        # that searches the Content-Type header and reads a setting), which upstream asks
        # for twice.
        metrics = self.metrics
        label = self.label_metric
        method = self._method(request)
        name = self._get_view_name(request)
        status = str(response.status_code)
        label(metrics.responses_by_status, request, response, status=status).inc()
        label(
            metrics.responses_by_status_view_method,
            request,
            response,
            status=status,
            view=name,
            method=method,
        ).inc()
        charset = getattr(response, "charset", _MISSING)
        if charset is not _MISSING:
            label(metrics.responses_by_charset, request, response, charset=str(charset)).inc()
        if getattr(response, "streaming", False):
            label(metrics.responses_streaming, request, response).inc()
        if hasattr(response, "content"):
            label(metrics.responses_body_bytes, request, response).observe(len(response.content))
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is not None:
            label(
                metrics.requests_latency_by_view_method,
                request,
                response,
                view=name,
                method=request.method,
            ).observe(TimeSince(started))
        else:
            label(metrics.requests_unknown_latency, request, response).inc()
        return response
