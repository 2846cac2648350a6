"""The staff dashboard (admin index): every figure against a hand-built day."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tests.factories import make_user
from bookit.memo import memo_scope
from bookit.tests.clock import NOW, at
from integrations.console.selectors import dashboard
from integrations.models import Notification
from reservations.models import Reservation
from reservations.policy import get_policy
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_floor, make_seat
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
Status = Reservation.Status


@pytest.fixture
def day(frozen, member, other_member):
    """Floor 1: four seats (one inactive), Floor 2: two seats; a day of bookings."""
    f1, f2 = make_floor("Floor 1"), make_floor("Floor 2", ordering=1)
    a1, a2, a3 = (make_seat(label, floor=f1) for label in ("A1", "A2", "A3"))
    make_seat("A4", floor=f1, is_active=False)
    b1, _b2 = make_seat("B1", floor=f2), make_seat("B2", floor=f2)
    third = make_user("third@example.com", first_name="Tanya", last_name="Third")
    rows = {
        # Checked in 09:00-13:00 (4 h) on A1: busy now.
        "in": make_reservation(member, a1, at(0, 9), at(0, 13), status=Status.CHECKED_IN),
        # Booked 09:00 and not checked in by 09:05 — inside the 15 min grace: still holds A2.
        "late": make_reservation(other_member, a2, at(0, 9), at(0, 11)),
        # 08:00 booked, grace passed at 08:15: a no-show even before the scheduler marks it.
        "missed": make_reservation(third, a3, at(0, 8), at(0, 9)),
        # Marked no-show by the scheduler earlier today.
        "marked": make_reservation(third, b1, at(0, 8), at(0, 8, 30), status=Status.NO_SHOW),
        # Later today on B1, 2 h; and a cancelled one that counts for nothing.
        "later": make_reservation(member, b1, at(0, 14), at(0, 16)),
        "gone": make_reservation(other_member, b1, at(0, 17), at(0, 18), status=Status.CANCELLED),
        # Yesterday and tomorrow are not today.
        "yesterday": make_reservation(member, a1, at(-1, 10), at(-1, 11), status=Status.NO_SHOW),
        "tomorrow": make_reservation(member, a1, at(1, 10), at(1, 11)),
    }
    waiting = [
        make_user("w1@example.com", first_name="Wanda", verified=False),
        make_user("w2@example.com", first_name="Walter", verified=False),
    ]
    make_user("gone@example.com", verified=False, is_active=False)  # rejected earlier
    make_user("pending@example.com", verified=False, email_confirmed=False)  # not confirmed
    make_user("staff2@example.com", verified=False, is_staff=True)  # staff never wait
    for status, count in ((Ticket.Status.OPEN, 3), (Ticket.Status.IN_PROGRESS, 1)):
        for i in range(count):
            Ticket.objects.create(author=member, subject=f"{status} {i}", text="x", status=status)
    Ticket.objects.create(author=member, subject="done", text="x", status=Ticket.Status.RESOLVED)
    return {"floors": (f1, f2), "rows": rows, "waiting": waiting}


def test_the_figures_match_the_day(day):
    d = dashboard()
    rows = day["rows"]
    assert d.day == NOW.date()
    assert [u.email for u in d.pending] == ["w1@example.com", "w2@example.com"]
    f1, f2 = d.floors
    # Floor 1: 3 active seats, A1 (checked in) and A2 (inside grace) busy now.
    assert (f1.seats, f1.busy_now, f1.now_percent) == (3, 2, 67)
    # Booked today within hours: 4 h + 2 h = 360 of 3 x 840 min -> 14 %.
    assert (f1.booked_minutes, f1.day_percent) == (360, 14)
    # Floor 2: B1 later today for 2 h (120 of 2 x 840 -> 7 %), nothing now.
    assert (f2.seats, f2.busy_now, f2.booked_minutes, f2.day_percent) == (2, 0, 120, 7)
    assert [r.pk for r in d.checked_in] == [rows["in"].pk]
    assert sorted(r.pk for r in d.no_shows) == sorted([rows["missed"].pk, rows["marked"].pk])
    assert d.tickets == {"open": 3, "in_progress": 1}


def test_the_figures_take_a_fixed_number_of_queries(day, django_assert_max_num_queries):
    # As in the admin request: the policy and its overrides are read once for it, then the
    # pending members, today's reservations, seats per floor, floors and tickets twice.
    get_policy()  # the policy row exists, as in production
    with memo_scope(), django_assert_max_num_queries(8):
        dashboard()


def test_the_index_shows_the_dashboard_with_links(day, staff, client):
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert "BookIT staff console" in page and "Administration" not in page.split("<h1")[0]
    assert "Wanda" in page and "Walter" in page
    f1 = day["floors"][0]
    assert f"seat__floor__id__exact={f1.pk}" in page
    assert "2 / 3 (67%)" in page
    assert "?status__exact=open" in page and "?status__exact=no_show" in page
    assert reverse("admin:console-member-decision", args=[day["waiting"][0].pk, "verify"]) in page


def test_the_index_speaks_russian(day, staff, client, settings):
    client.force_login(staff)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Консоль BookIT" in page
    assert "Ожидают подтверждения" in page


class TestOneClickVerification:
    def test_verify_marks_the_member_and_tells_them(self, day, staff, client):
        wanda = day["waiting"][0]
        wanda.telegram_id = 7001
        wanda.save()
        client.force_login(staff)
        url = reverse("admin:console-member-decision", args=[wanda.pk, "verify"])
        response = client.post(url, follow=True)
        wanda.refresh_from_db()
        assert wanda.is_verified and wanda.verified_by == staff
        assert "Wanda &lt;w1@example.com&gt; is verified." in response.content.decode()
        (note,) = Notification.objects.filter(user=wanda)
        assert note.kind == Notification.Kind.ACCOUNT_VERIFIED

    def test_reject_deactivates_and_tells_them(self, day, staff, client):
        walter = day["waiting"][1]
        walter.telegram_id = 7002
        walter.save()
        client.force_login(staff)
        client.post(reverse("admin:console-member-decision", args=[walter.pk, "reject"]))
        walter.refresh_from_db()
        assert not walter.is_active and not walter.is_verified
        assert Notification.objects.get(user=walter).kind == Notification.Kind.MEMBER_REJECTED
        assert walter not in dashboard().pending

    def test_a_get_changes_nothing(self, day, staff, client):
        client.force_login(staff)
        url = reverse("admin:console-member-decision", args=[day["waiting"][0].pk, "verify"])
        assert client.get(url).status_code == 405
        day["waiting"][0].refresh_from_db()
        assert not day["waiting"][0].is_verified

    def test_a_member_cannot_use_it(self, day, member, client):
        client.force_login(member)
        url = reverse("admin:console-member-decision", args=[day["waiting"][0].pk, "verify"])
        assert client.post(url).status_code == 302  # to the admin login
        day["waiting"][0].refresh_from_db()
        assert not day["waiting"][0].is_verified


class TestFocusedIndex:
    def test_ordinary_staff_do_not_see_internal_models(self, db, client):
        from django.contrib.auth.models import Permission

        manager = make_user("manager@example.com", is_staff=True)
        manager.user_permissions.set(Permission.objects.all())
        client.force_login(manager)
        page = client.get(reverse("admin:index")).content.decode()
        assert "Reservations" in page
        for hidden in ("Nonces", "Associations", "Blacklisted", "Outstanding", "Login failures"):
            assert hidden not in page
        assert client.get("/admin/accounts/loginfailure/").status_code == 403

    def test_superusers_keep_a_security_section(self, staff, client):
        client.force_login(staff)
        page = client.get(reverse("admin:index")).content.decode()
        security = page[page.index("Security") :]
        assert "Login failures" in security and "Nonces" in security


def test_nothing_breaks_on_an_empty_coworking(frozen, staff, client):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert dashboard().floors == []  # no floors yet: nothing to divide by


def test_verifying_in_the_member_form_and_by_action_notifies(db, staff, client):
    waiting = make_user("form@example.com", first_name="Fiona", verified=False)
    batch = make_user("batch@example.com", first_name="Boris", verified=False)
    for n, user in enumerate((waiting, batch)):
        user.telegram_id = 8000 + n
        user.save()
    client.force_login(staff)
    page = client.get(f"/admin/accounts/user/{waiting.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data |= {"email": waiting.email, "is_verified": "on", "is_active": "on", "language": "ru"}
    data.pop("groups", None), data.pop("user_permissions", None), data.pop("password", None)
    data |= {"date_joined_0": "2026-12-01", "date_joined_1": "09:00"}
    response = client.post(f"/admin/accounts/user/{waiting.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.post(
        "/admin/accounts/user/",
        {"action": "verify_selected", "_selected_action": [batch.pk]},
    )
    kinds = Notification.objects.filter(kind=Notification.Kind.ACCOUNT_VERIFIED)
    assert set(kinds.values_list("user__email", flat=True)) == {waiting.email, batch.email}


def test_a_floor_with_its_own_hours_counts_its_own_capacity(frozen, member):
    from reservations.models import BookingRule
    from reservations.policy import policy_changed

    annex = make_floor("Annex")
    seat = make_seat("N1", floor=annex)
    BookingRule.objects.create(floor=annex, opens_at=dt.time(12), closes_at=dt.time(20))
    policy_changed()
    # 10:00-14:00 booked; only 12:00-14:00 is inside the annex's 8 open hours: 120 / 480.
    make_reservation(member, seat, at(0, 10), at(0, 14))
    (annex_figures,) = dashboard().floors
    assert (annex_figures.open_minutes, annex_figures.booked_minutes) == (480, 120)
    assert annex_figures.day_percent == 25


def test_long_lists_show_ten_and_the_count_with_a_link(frozen, staff, client):
    for i in range(12):
        make_user(f"queue{i}@example.com", verified=False)
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for verification (12)" in page
    assert page.count("/verify/") == 10
    assert "?is_verified__exact=0&amp;is_active__exact=1" in page
