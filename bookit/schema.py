"""The OpenAPI generator: every operation documents the errors it can answer, in one schema.

Views declare only their successful answers. The error answers follow from what the view is:
- 400 when it reads a body or query parameters (bookit.params, the serializers);
- 401 when it needs a login (or says it checks credentials itself: ``schema_errors``);
- 403 when a permission beyond "logged in" applies, or it writes (CSRF, domain rules);
- 404 when the path names an object or a page;
- 409 when the view lists the method in ``schema_conflicts``;
- 413 and 415 when it reads a body (size limits; JSON only, multipart on uploads);
- 429 (throttles) and 503 (database unreachable) on every operation, with ``Retry-After``.
Operation ids come from the URL names (``reservation_update``, ``login``), so generated clients
read well, and numeric path ids are integers.
"""

import re

from django.urls import Resolver404, resolve
from drf_spectacular import openapi
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from bookit.converters import ID

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
DESCRIPTIONS = {
    "400": "Invalid input: `errors` maps each field or parameter to its messages.",
    "401": "Not logged in, or the token is invalid or expired.",
    "403": "Logged in but not allowed (staff only, unverified member, CSRF).",
    "404": "No such object, or it belongs to another member.",
    "409": "Conflicts with the current state; a booking overlap carries `conflict`.",
    "413": "The body or the uploaded file is too large.",
    "415": "The body is not JSON (or, on uploads, not multipart).",
    "429": "Too many requests; retry after `Retry-After` seconds.",
    "503": "The service cannot reach its database; retry after `Retry-After` seconds.",
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."},
}


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API."""

    detail = serializers.CharField(help_text="A human-readable message (the first error).")
    # The metaclass moves declared fields off the class, so Serializer.errors is not shadowed.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field or parameter name -> messages; empty when no field is at fault.",
    )


class ConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seat = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mine = serializers.BooleanField(help_text="True when it is the caller's own booking.")


class ConflictErrorSerializer(ErrorSerializer):
    conflict = ConflictSerializer(required=False, help_text="The booking this one overlaps.")


def _permission_classes(view) -> list[type]:
    return [p if isinstance(p, type) else type(p) for p in getattr(view, "permission_classes", [])]


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in sorted(self._error_statuses(operation)):
            responses.setdefault(code, self._error_response(code))
            if code in ("429", "503"):  # also when a view declared the answer itself
                responses[code].setdefault("headers", {}).update(RETRY_AFTER)
        return operation

    def _error_statuses(self, operation: dict) -> set[str]:
        method, view = self.method, self.view
        has_body = "requestBody" in operation
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        perms = _permission_classes(view)
        # Without authenticators DRF answers a refused permission with 403, never 401.
        authenticates = bool(getattr(view, "authentication_classes", None))
        needs_login = authenticates and any(p is not AllowAny for p in perms)
        staff_only = any(
            p not in (AllowAny, IsAuthenticated)
            and not (method not in UNSAFE and getattr(p, "open_for_safe_methods", False))
            for p in perms
        )
        codes = {"429", "503", *getattr(view, "schema_errors", ())}
        if has_body or has_query:
            codes.add("400")
        if has_body:
            codes.update(("413", "415"))
        if needs_login:
            codes.add("401")
        if staff_only or (needs_login and method in UNSAFE):
            codes.add("403")
        paginated = method == "GET" and getattr(view, "pagination_class", None)
        if "{" in self.path or (paginated and self._is_list_view()):
            codes.add("404")  # a named object, or a page past the end (DRF's "Invalid page.")
        if method.lower() in getattr(view, "schema_conflicts", ()):
            codes.add("409")
        return {str(code) for code in codes}

    def _error_response(self, code: str) -> dict:
        serializer = ConflictErrorSerializer if code == "409" else ErrorSerializer
        component = self.resolve_serializer(serializer, "response")
        response = {
            "description": DESCRIPTIONS[code],
            "content": {"application/json": {"schema": component.ref}},
        }
        if code in ("429", "503"):
            response["headers"] = RETRY_AFTER
        return response

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("pattern") == f"^{ID}$":
                # <id:…> and ID in re_path accept ASCII digits of a 64-bit id: an integer.
                parameter["schema"] = {**build_basic_type(OpenApiTypes.INT), "minimum": 0}
        return parameters

    def get_operation_id(self) -> str:
        name = self._url_name()
        if name is None:
            return super().get_operation_id()
        methods = [m for m in self.view.allowed_methods if m not in ("OPTIONS", "HEAD")]
        if len(methods) > 1 or self.method == "GET":
            if self.method == "GET" and "get_" not in name:
                name += "_list" if self._is_list_view() else "_get"
            elif self.method != "GET":
                name += {"POST": "_create", "PUT": "_replace", "PATCH": "_update"}.get(
                    self.method, "_delete"
                )
        return name

    def _url_name(self) -> str | None:
        # The schema's path with every {param} filled by a digit resolves to the URL name.
        try:
            match = resolve(re.sub(r"\{\w+\}", "1", self.path))
        except Resolver404:
            return None
        if not match.url_name:
            return None
        name = match.url_name.replace("-", "_")
        namespace = (match.namespace or "").split(":")[-1].removesuffix("-api")
        if namespace in ("telegram",) and not name.startswith(namespace):
            name = f"{namespace}_{name}"
        return name
