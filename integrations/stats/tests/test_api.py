"""GET api/admin/stats: staff only, the same numbers as the page."""


def test_staff_gets_the_report(staff_api, usage):
    response = staff_api.get("/api/admin/stats?start=2026-11-02&end=2026-11-03")
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"start": "2026-11-02", "end": "2026-11-03"}
    assert data["seats"] == 3
    assert data["booked_hours"] == 8.0
    assert data["available_hours"] == 84.0
    assert data["no_show_rate"] == 0.2
    assert [s["label"] for s in data["busiest_seats"]] == ["A2", "A1", "B1"]
    assert data["occupancy_by_hour_of_week"]["sun"] == [None] * 24


def test_trailing_slash_and_floor_filter(staff_api, usage):
    floor = usage["floor_a"].pk
    response = staff_api.get(f"/api/admin/stats/?start=2026-11-02&end=2026-11-03&floor={floor}")
    assert response.status_code == 200
    assert response.json()["floor"] == floor
    assert response.json()["occupancy"] == 0.125


def test_bad_filters_are_400_with_field_errors(staff_api):
    response = staff_api.get("/api/admin/stats?start=2026-11-05&end=2026-11-01")
    assert response.status_code == 400
    assert "end" in response.json()["errors"]


def test_member_gets_403(member_api):
    assert member_api.get("/api/admin/stats").status_code == 403


def test_anonymous_gets_401(api, db):
    assert api.get("/api/admin/stats").status_code == 401
