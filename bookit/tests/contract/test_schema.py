"""The OpenAPI document itself: errors, nullability, statuses, media types, operation ids."""

import pytest

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _error_schema(operation, code: str) -> str:
    return operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_documents_throttling_and_outages_with_retry_after(schema):
    for path, method, operation in _operations(schema):
        for code in ("429", "503"):
            assert _error_schema(operation, code) == ERROR_REF, (method, path, code)
            assert "Retry-After" in operation["responses"][code]["headers"], (method, path)


def test_errors_follow_from_auth_path_and_body(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
    ops = {(p.rstrip("/"), m): o for p, m, o in _operations(schema)}
    assert "401" in ops[("/api/reservations", "get")]["responses"]
    assert "403" not in ops[("/api/reservations", "get")]["responses"]
    assert "403" in ops[("/api/admin/reservations", "get")]["responses"]
    assert "403" not in ops[("/api/seat", "get")]["responses"]  # members read seats
    assert "403" in ops[("/api/seat", "post")]["responses"]  # only staff create them
    assert "401" not in ops[("/api/auth/register", "post")]["responses"]
    assert "401" in ops[("/api/auth/login", "post")]["responses"]
    conflict = ops[("/api/reservations", "post")]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/ConflictError")


def test_one_error_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "errors"]
    assert error["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"


def test_statuses_and_shapes_match_the_server(schema):
    ops = {(p.rstrip("/"), m): o for p, m, o in _operations(schema)}
    delete = ops[("/api/reservations/{id}", "delete")]["responses"]
    assert "200" in delete and "204" not in delete
    components = schema["components"]["schemas"]
    assert components["Ticket"]["properties"]["seat_label"]["nullable"] is True
    window_only = {"available", "mine", "busy_until"}
    assert not window_only & set(components["SeatAvailability"]["required"])
    assert ops[("/api/reservations/{id}", "get")]["parameters"][0]["schema"]["type"] == "integer"


def test_bodies_are_json_except_uploads(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        media = set(operation["requestBody"]["content"])
        expected = {"multipart/form-data"} if "avatar" in path else {"application/json"}
        assert media == expected, (method, path, media)


def test_operation_ids_are_unique_and_named_after_the_urls(schema):
    ids = [operation["operationId"] for _, _, operation in _operations(schema)]
    assert len(ids) == len(set(ids))
    for expected in ("login", "reservations_create", "reservation_update", "seats_list"):
        assert expected in ids
