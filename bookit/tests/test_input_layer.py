"""No input is a 5xx: the parser, the query-parameter layer and the body fields (issue 13)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from reservations.models import Reservation
from seats.models import Floor, Seat

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=MSK)


@pytest.fixture
def seat(db):
    with time_machine.travel(NOW, tick=False):
        yield Seat.objects.create(label="A1", floor=Floor.objects.create(name="F1"))


def _error_fields(response) -> set[str]:
    body = response.json()
    assert set(body) >= {"detail", "errors"}, body
    return set(body["errors"])


class TestJsonBodies:
    def test_deep_nesting_is_a_400(self, member_api):
        body = "[" * 5000 + "]" * 5000
        response = member_api.post("/api/reservations", body, content_type="application/json")
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["detail"]

    def test_form_bodies_are_refused_by_json_views(self, member_api):
        response = member_api.post("/api/reservations", {"seat": "1"}, format="multipart")
        assert response.status_code == 415
        assert set(response.json()) == {"detail", "errors"}

    def test_an_oversized_body_is_a_413(self, member_api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        body = '{"subject": "%s"}' % ("x" * 2000)
        response = member_api.post("/api/ticket", body, content_type="application/json")
        assert response.status_code == 413
        assert set(response.json()) == {"detail", "errors"}


class TestQueryParameters:
    @pytest.mark.parametrize(
        ("url", "field"),
        [
            ("/api/reservations?status=%00", "status"),
            ("/api/seat?kind=%00", "kind"),
            ("/api/seat?floor=%C2%B2", "floor"),
            ("/api/seat?start=2026-12-01T10:00:00&end=2026-12-01T11:00:00", "start"),
        ],
    )
    def test_member_gets_a_field_error(self, member_api, url, field):
        response = member_api.get(url)
        assert response.status_code == 400
        assert _error_fields(response) == {field}

    @pytest.mark.parametrize(
        ("url", "field"),
        [
            ("/api/admin/users?search=%00", "search"),
            ("/api/admin/reservations?user=%C2%B2", "user"),
            ("/api/admin/reservations?seat=99999999999999999999999", "seat"),
            ("/api/admin/tickets?author=%D9%A3", "author"),  # ARABIC-INDIC DIGIT THREE
            ("/api/admin/stats?floor=%C2%B2&start=0001-01-01", "floor"),
            ("/api/admin/users?verified=maybe", "verified"),
        ],
    )
    def test_staff_gets_a_field_error(self, staff_api, url, field):
        response = staff_api.get(url)
        assert response.status_code == 400
        assert field in _error_fields(response)

    def test_a_date_out_of_range_is_a_400(self, member_api, seat):
        response = member_api.get(f"/api/seat/{seat.pk}?date=9999-12-31")
        assert response.status_code == 400
        assert _error_fields(response) == {"date"}

    def test_a_date_in_range_still_works(self, member_api, seat):
        assert member_api.get(f"/api/seat/{seat.pk}?date=2026-12-02").status_code == 200


class TestBodyValues:
    def _book(self, member_api, **body):
        with time_machine.travel(NOW, tick=False):
            return member_api.post("/api/reservations", body, format="json")

    def test_a_naive_datetime_is_rejected_as_in_query_params(self, member_api, seat):
        response = self._book(
            member_api, seat=seat.pk, start="2026-12-02T10:00:00", end="2026-12-02T11:00:00+03:00"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"start": ["Times must include a UTC offset."]}
        query = member_api.get("/api/seat?start=2026-12-02T10:00:00&end=2026-12-02T11:00:00")
        assert query.json()["errors"]["start"] == ["Times must include a UTC offset."]
        assert not Reservation.objects.exists()

    @pytest.mark.parametrize("value", [1.5, 1.0, True, "1.5", "²", [1], {"id": 1}, 2**70])
    def test_a_seat_that_is_not_an_integer_id_is_rejected(self, member_api, seat, value):
        response = self._book(
            member_api, seat=value, start="2026-12-02T10:00+03:00", end="2026-12-02T11:00+03:00"
        )
        assert response.status_code == 400
        assert _error_fields(response) == {"seat"}
        assert not Reservation.objects.exists()

    def test_an_integer_id_books(self, member_api, seat):
        response = self._book(
            member_api, seat=seat.pk, start="2026-12-02T10:00+03:00", end="2026-12-02T11:00+03:00"
        )
        assert response.status_code == 201, response.json()

    def test_a_year_out_of_range_is_rejected(self, member_api, seat):
        response = self._book(
            member_api, seat=seat.pk, start="9999-12-31T23:00+00:00", end="9999-12-31T23:30-05:00"
        )
        assert response.status_code == 400
        assert _error_fields(response) == {"start", "end"}

    def test_nested_field_errors_are_flat_lists_of_messages(self, staff_api):
        response = staff_api.post("/api/seat", {"label": "B1", "x": 1, "y": 1, "amenities": [""]})
        assert response.status_code == 400
        assert response.json()["errors"] == {"amenities.0": ["This field may not be blank."]}


class TestUnknownRoutes:
    def test_an_unknown_api_path_is_a_json_404(self, member_api):
        response = member_api.get("/api/no/such/thing")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": {}}

    def test_an_id_too_long_for_the_database_is_a_404(self, member_api):
        response = member_api.get("/api/reservations/99999999999999999999999")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}

    def test_a_page_with_such_an_id_is_a_404_too(self, client, member):
        client.force_login(member)
        assert client.get("/tickets/99999999999999999999999/").status_code == 404

    def test_a_wrong_method_is_a_json_405(self, member_api):
        response = member_api.put("/api/reservations", {}, format="json")
        assert response.status_code == 405
        assert set(response.json()) == {"detail", "errors"}

    def test_a_wrong_method_on_a_plain_django_view_is_json_too(self, api):
        response = api.delete("/api/yandex/login")
        assert response.status_code == 405
        assert response.json()["errors"] == {}
        assert "GET" in response["Allow"]

    def test_pages_keep_their_html_404(self, client):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert not response["Content-Type"].startswith("application/json")
