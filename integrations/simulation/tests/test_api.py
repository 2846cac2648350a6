import pytest

pytestmark = pytest.mark.django_db

URL = "/api/simulation/control"


def test_staff_start_and_stop(enabled, staff_api, demo_floor):
    response = staff_api.post(URL, {"action": "start", "rate_per_minute": 30}, format="json")
    assert response.status_code == 200
    assert response.json()["running"] is True and response.json()["rate_per_minute"] == 30
    status = staff_api.get(URL).json()
    assert status["running"] is True and set(status["totals"]) == {
        "bookings",
        "check_ins",
        "cancellations",
        "no_shows",
        "refused",
    }
    stopped = staff_api.post(URL, {"action": "stop"}, format="json")
    assert stopped.status_code == 200 and stopped.json()["running"] is False


def test_bad_input_is_a_field_error(enabled, staff_api):
    response = staff_api.post(URL, {"action": "explode"}, format="json")
    assert response.status_code == 400 and "action" in response.json()["errors"]
    response = staff_api.post(URL, {"action": "start", "rate_per_minute": 0}, format="json")
    assert response.status_code == 400 and "rate_per_minute" in response.json()["errors"]


def test_refused_with_403_unless_enabled(settings, staff_api):
    settings.SIMULATION_ENABLED = False
    assert staff_api.get(URL).status_code == 403
    response = staff_api.post(URL, {"action": "start"}, format="json")
    assert response.status_code == 403 and "SIMULATION_ENABLED" in response.json()["detail"]


def test_members_get_403_and_anonymous_401(enabled, member_api, api):
    assert member_api.post(URL, {"action": "start"}, format="json").status_code == 403
    assert member_api.get(URL).status_code == 403
    assert api.get(URL).status_code == 401
