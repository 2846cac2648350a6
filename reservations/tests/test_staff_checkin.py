"""The staff QR check-in page (reservations/staff_views.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reservations.models import Reservation
from reservations.qr import checkin_url
from reservations.services import checkin_token
from reservations.tests.factories import make_reservation

pytestmark = pytest.mark.django_db
URL = reverse("staff:checkin")


@pytest.fixture
def booking(member):
    return make_reservation(user=member)


def test_url_is_the_one_the_qr_code_encodes(booking):
    assert URL == "/staff/checkin/"
    assert checkin_url(booking).endswith(f"/staff/checkin/?token={checkin_token(booking)}")


def test_members_and_anonymous_are_sent_to_the_admin_login(client, member, booking):
    response = client.get(URL, {"token": checkin_token(booking)})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(member)
    response = client.post(URL, {"token": checkin_token(booking)})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED


def test_empty_page_has_a_focused_field(staff_client):
    response = staff_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="token"' in content and "autofocus" in content
    assert "js/checkin.js" in content


def test_opening_the_scanned_link_prefills_and_does_not_check_in(staff_client, booking):
    token = checkin_token(booking)
    response = staff_client.get(URL, {"token": token})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["token"].value() == token
    assert response.context["preview"] == booking
    assert "Maria Member" in content and 'id="checkin-preview"' in content
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED


def test_confirming_checks_in_and_a_second_scan_says_already(staff_client, booking):
    token = checkin_token(booking)
    response = staff_client.post(URL, {"token": token})
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"]["already"] is False
    assert "Maria Member" in content and booking.seat.label in content
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CHECKED_IN
    first_time = booking.checked_in_at
    assert [r.pk for r in response.context["today"]] == [booking.pk]

    # A USB scanner types the whole encoded link; that works too and is idempotent.
    again = staff_client.post(URL, {"token": checkin_url(booking)})
    assert again.status_code == 200
    assert again.context["result"]["already"] is True
    assert 'class="card checkin-result again"' in again.content.decode()
    booking.refresh_from_db()
    assert booking.checked_in_at == first_time


@pytest.mark.parametrize("token", ["forged", "eyJyIjoxfQ:1abc:xyz", ""])
def test_a_forged_or_empty_token_is_a_field_error(staff_client, booking, token):
    response = staff_client.post(URL, {"token": token})
    assert response.status_code == 400
    assert "token" in response.context["form"].errors
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED


def test_a_forged_link_shows_an_error_without_preview(staff_client):
    response = staff_client.get(URL, {"token": "not-a-signed-token"})
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "token" in response.context["form"].errors


def test_too_early_is_refused(staff_client, member):
    later = make_reservation(user=member, start=timezone.now() + dt.timedelta(hours=2))
    response = staff_client.post(URL, {"token": checkin_token(later)})
    assert response.status_code == 400
    assert "token" in response.context["form"].errors
    later.refresh_from_db()
    assert later.status == Reservation.Status.BOOKED


def test_todays_list_in_constant_queries(
    staff_client, staff, member, other_member, django_assert_max_num_queries
):
    now = timezone.now()
    for user in (member, other_member):
        make_reservation(user=user, status=Reservation.Status.CHECKED_IN)
    Reservation.objects.update(checked_in_at=now)
    yesterday = make_reservation(user=staff, start=now - dt.timedelta(days=1))
    Reservation.objects.filter(pk=yesterday.pk).update(
        status=Reservation.Status.CHECKED_IN, checked_in_at=now - dt.timedelta(days=1)
    )
    with django_assert_max_num_queries(6):
        response = staff_client.get(URL)
    names = {r.user.email for r in response.context["today"]}
    assert names == {member.email, other_member.email}
    assert "Oleg Other" in response.content.decode()
