"""The staff statistics page and its CSV export."""

import csv
import io

import pytest

PERIOD = "?start=2026-11-02&end=2026-11-03"


def test_staff_sees_the_page_with_charts(staff_client, usage):
    response = staff_client.get("/staff/stats/" + PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3  # by day, heatmap, bookings per member
    assert "<strong>10%</strong>" in html  # 8 / 84 seat-hours
    assert "<strong>20%</strong>" in html  # no-show rate 1 / 5
    assert "A2" in html
    assert 'href="/staff/stats/export.csv?start=2026-11-02&amp;end=2026-11-03"' in html


def test_floor_filter_is_kept_in_the_form(staff_client, usage):
    floor = usage["floor_a"]
    response = staff_client.get(f"/staff/stats/{PERIOD}&floor={floor.pk}")
    assert response.status_code == 200
    assert f'<option value="{floor.pk}" selected>' in response.content.decode()
    assert "<strong>12%</strong>" in response.content.decode()  # 7 / 56


def test_bad_filters_show_errors_and_the_default_period(staff_client, db):
    response = staff_client.get("/staff/stats/?start=2026-11-05&end=2026-11-01")
    assert response.status_code == 400
    assert response.context["errors"]["end"]
    assert response.context["report"] is not None


@pytest.mark.parametrize("path", ["/staff/stats/", "/staff/stats/export.csv"])
def test_members_are_sent_to_the_admin_login(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", ["/staff/stats/", "/staff/stats/export.csv"])
def test_anonymous_is_sent_to_the_admin_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_csv_export_holds_every_table(staff_client, usage):
    response = staff_client.get("/staff/stats/export.csv" + PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "bookit-stats-2026-11-02-2026-11-03.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "key", "value"]
    data = {(section, key): value for section, key, value in rows[1:]}
    assert data[("summary", "occupancy")] == "0.0952"
    assert data[("summary", "booked_hours")] == "8.00"
    assert data[("summary", "no_show_rate")] == "0.2000"
    assert data[("summary", "floor")] == "all"
    assert data[("occupancy_by_day", "2026-11-03")] == "0.1190"
    assert data[("occupancy_by_hour", "tue 21:00")] == "0.3333"
    assert data[("seat_hours", "A / A2")] == "4.00"
    assert data[("seat_hours", "B / B1")] == "1.00"
    assert data[("bookings_per_member", "3–5")] == "1"
    assert ("occupancy_by_hour", "mon 07:00") not in data  # closed hours are left out


def test_csv_export_filters_by_floor(staff_client, usage):
    response = staff_client.get(f"/staff/stats/export.csv{PERIOD}&floor={usage['floor_b'].pk}")
    data = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert data[("summary", "floor")] == "B"
    assert data[("summary", "booked_hours")] == "1.00"
    assert ("seat_hours", "A / A1") not in data


def test_csv_export_neutralises_formulas(staff_client, usage):
    usage["floor_a"].name = "=HYPERLINK()"
    usage["floor_a"].save()
    body = staff_client.get("/staff/stats/export.csv" + PERIOD).content.decode()
    assert "'=HYPERLINK() / A1" in body


def test_csv_export_rejects_bad_filters(staff_client, db):
    response = staff_client.get("/staff/stats/export.csv?start=nope")
    assert response.status_code == 400


def test_a_year_of_days_stays_a_readable_chart(staff_client, db):
    response = staff_client.get("/staff/stats/?start=2025-11-27&end=2026-11-26")
    assert response.status_code == 200
    chart = response.context["charts"]["by_day"]
    assert len(chart["bars"]) == 365
    assert chart["width"] <= 1100
    assert sum(bar.show_label for bar in chart["bars"]) <= 15
