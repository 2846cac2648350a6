"""Registration does not reveal existing emails: the API and the page answer a new and a taken
address alike, the password just typed logs in neither until the emailed link is opened, and
only the owner of the address learns which case it was (by email, in their language)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from accounts.models import LoginFailure, User
from accounts.tests.factories import PASSWORD, make_user
from integrations.models import Notification

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register"
REGISTER_CONFIRM = "/api/auth/register/confirm"
LOGIN = "/api/auth/login"
NEW_PASSWORD = "another-Horse-7-battery"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/register/confirm/(?P<token>[^/\s]+)/)")


def deliver() -> list[mail.EmailMessage]:
    mail.outbox.clear()
    call_command("send_notifications", "--once", stdout=open("/dev/null", "w"))
    return list(mail.outbox)


def register(api: APIClient, email: str, *, lang: str = "en", **extra):
    body = {"email": email, "password": NEW_PASSWORD, "first_name": "Nina", **extra}
    return api.post(REGISTER, body, format="json", HTTP_ACCEPT_LANGUAGE=lang)


def login_status(email: str, password: str = NEW_PASSWORD) -> int:
    return APIClient().post(LOGIN, {"email": email, "password": password}).status_code


def test_a_new_and_a_taken_address_get_the_same_answer_and_the_same_login(api, member):
    fresh = register(api, "new@example.com")
    taken = register(api, "Member@Example.com")
    assert fresh.status_code == taken.status_code == 201
    fresh_body, taken_body = fresh.json(), taken.json()
    assert (
        set(fresh_body)
        == set(taken_body)
        == {
            "id",
            "email",
            "first_name",
            "last_name",
            "is_verified",
        }
    )
    assert taken_body == {**fresh_body, "id": taken_body["id"], "email": "member@example.com"}
    # The id is truthful for the new account; for the taken address it is not the owner's
    # account, nor any account, and it is as fresh as a new account's would be.
    new_user = User.objects.get(email="new@example.com")
    assert fresh_body["id"] == new_user.pk
    assert taken_body["id"] != member.pk and taken_body["id"] > fresh_body["id"]
    assert not User.objects.filter(pk=taken_body["id"]).exists()
    after = register(api, "newer@example.com").json()["id"]
    assert after > taken_body["id"]  # a reserved id is never handed out again
    # The password just typed logs in for neither (the same 401 as a wrong password).
    assert login_status("new@example.com") == login_status("member@example.com") == 401
    assert LoginFailure.objects.filter(email="new@example.com").count() == 1
    member.refresh_from_db()
    assert member.check_password(PASSWORD) and member.email_confirmed
    assert not new_user.email_confirmed and not new_user.is_verified


def test_the_link_in_the_email_confirms_and_then_the_password_logs_in(api, staff):
    register(api, "new@example.com", lang="en")
    (message,) = deliver()
    assert message.to == ["new@example.com"]
    assert message.subject == "Confirm your email address for BookIT"
    assert "72 hours" in message.body
    link = CONFIRM_LINK.search(message.body)
    html = message.alternatives[0][0]
    assert link[1] in html
    # Staff hear of a member waiting for verification only once the address is confirmed.
    assert not Notification.objects.filter(user=staff).exists()

    confirmed = api.post(REGISTER_CONFIRM, {"token": link["token"]})
    assert confirmed.status_code == 200
    assert confirmed.json()["email"] == "new@example.com"
    assert confirmed.json()["is_verified"] is False  # staff verification is separate
    assert login_status("new@example.com") == 200
    assert Notification.objects.get(user=staff).kind == Notification.Kind.MEMBER_REGISTERED
    # Opening it again is harmless: still confirmed, nothing new for staff.
    assert api.post(REGISTER_CONFIRM, {"token": link["token"]}).status_code == 200
    assert Notification.objects.filter(user=staff).count() == 1


def test_the_owner_of_a_taken_address_is_told_in_their_language(api, member):
    register(api, "member@example.com", lang="en")  # the caller's language does not matter
    (message,) = deliver()
    assert message.to == ["member@example.com"]
    assert message.subject == "У вас уже есть учётная запись BookIT"
    assert "/password-reset/" in message.body
    assert not CONFIRM_LINK.search(message.body)
    member.language = "en"
    member.save()
    with time_machine.travel(dt.timedelta(hours=2)):  # one such email an hour
        register(api, "member@example.com", lang="ru")
        (message,) = deliver()
    assert message.subject == "You already have a BookIT account"


def test_the_confirmation_email_is_in_the_language_of_the_registration(api):
    register(api, "ru@example.com", lang="ru")
    (message,) = deliver()
    assert message.subject == "Подтвердите адрес эл. почты для BookIT"
    assert message.extra_headers["Content-Language"] == "ru"
    assert CONFIRM_LINK.search(message.body)


def test_registering_again_before_confirming_resends_a_link_with_the_new_password(api):
    first = register(api, "new@example.com", first_name="Typo")
    deliver()
    again = register(api, "new@example.com", password="third-Horse-8-battery")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    (message,) = deliver()
    user = User.objects.get(email="new@example.com")
    assert user.first_name == "Nina" and not user.email_confirmed
    assert APIClient().post(REGISTER_CONFIRM, {"token": CONFIRM_LINK.search(message.body)["token"]})
    assert login_status("new@example.com", "third-Horse-8-battery") == 200
    assert login_status("new@example.com", NEW_PASSWORD) == 401


def test_expired_and_forged_links_are_field_errors(api):
    register(api, "new@example.com")
    token = CONFIRM_LINK.search(deliver()[0].body)["token"]
    assert api.post(REGISTER_CONFIRM, {"token": token + "x"}).json()["errors"]["token"]
    assert api.post(REGISTER_CONFIRM, {}).json()["errors"]["token"]
    with time_machine.travel(dt.timedelta(hours=73)):
        expired = api.post(REGISTER_CONFIRM, {"token": token})
        assert (
            expired.status_code == 400 and "Register again" in expired.json()["errors"]["token"][0]
        )
        page = Client().post(f"/register/confirm/{token}/")
        assert page.status_code == 400 and "Register again" in page.content.decode()
    assert not User.objects.get(email="new@example.com").email_confirmed


def test_a_password_reset_also_confirms_the_address(api):
    register(api, "new@example.com")
    deliver()
    api.post("/api/auth/password/reset", {"email": "new@example.com"})
    link = re.search(r"/password-reset/([^/\s]+)/([^/\s]+)/", deliver()[0].body)
    body = {"uid": link[1], "token": link[2], "new_password": "reset-Horse-9-battery"}
    assert api.post("/api/auth/password/reset/confirm", body).status_code == 204
    assert User.objects.get(email="new@example.com").email_confirmed
    assert login_status("new@example.com", "reset-Horse-9-battery") == 200


def test_the_register_endpoint_has_the_account_email_budget(frozen, api):
    # It sends an email: THROTTLE_ACCOUNT_EMAIL (10/hour per client IP), like a reset.
    statuses = [register(api, f"n{i}@example.com").status_code for i in range(11)]
    assert statuses == [201] * 10 + [429]


def test_both_branches_hash_the_password_once(monkeypatch, member):
    calls = []
    real = services.make_password
    monkeypatch.setattr(services, "make_password", lambda p: calls.append(p) or real(p))
    services.user_register(email="new@example.com", password=NEW_PASSWORD)
    services.user_register(email="member@example.com", password=NEW_PASSWORD)
    assert calls == [NEW_PASSWORD, NEW_PASSWORD]


class TestPages:
    def test_the_page_answers_both_cases_alike_and_the_link_page_confirms(self, member):
        data = {"first_name": "X", "password": NEW_PASSWORD}
        client = Client()
        fresh = client.post("/register/", {"email": "fresh@example.com", **data})
        taken = client.post("/register/", {"email": "member@example.com", **data})
        assert fresh.status_code == taken.status_code == 302
        assert fresh["Location"] == "/login/?email=fresh%40example.com"
        assert taken["Location"] == "/login/?email=member%40example.com"
        page = client.get(fresh["Location"]).content.decode()
        assert "open the link in it to confirm" in page or "откройте ссылку" in page

        # Logging in before confirming: the same error as a wrong password, with a hint.
        refused = client.post("/login/", {"email": "fresh@example.com", "password": NEW_PASSWORD})
        wrong = client.post("/login/", {"email": "member@example.com", "password": NEW_PASSWORD})
        assert refused.status_code == wrong.status_code == 400
        assert (
            refused.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()
        )

        messages = {m.to[0]: m for m in deliver()}
        path = CONFIRM_LINK.search(messages["fresh@example.com"].body)[1]
        assert client.get(path).status_code == 200  # a button: mail scanners change nothing
        assert not User.objects.get(email="fresh@example.com").email_confirmed
        done = client.post(path)
        assert done.status_code == 302 and done["Location"].startswith("/login/?email=fresh")
        logged_in = client.post("/login/", {"email": "fresh@example.com", "password": NEW_PASSWORD})
        assert logged_in.status_code == 302

    def test_the_page_shares_the_apis_budget(self, frozen, api):
        for i in range(10):
            assert register(api, f"n{i}@example.com").status_code == 201
        data = {"email": "b@example.com", "first_name": "X", "password": NEW_PASSWORD}
        assert Client().post("/register/", data).status_code == 429
        assert not User.objects.filter(email="b@example.com").exists()


def test_the_admin_shows_the_confirmation_state(admin_client):
    make_user("pending@example.com", verified=False, email_confirmed=False)
    make_user("done@example.com")
    page = admin_client.get("/admin/accounts/user/?email_confirmed__exact=0")
    assert page.status_code == 200
    assert "pending@example.com" in page.content.decode()
    assert "done@example.com" not in page.content.decode()
    form = admin_client.get("/admin/accounts/user/").content.decode()
    assert "email_confirmed" in form


def test_existing_and_staff_made_accounts_count_as_confirmed():
    assert User.objects.create_user("made@example.com", PASSWORD).email_confirmed
    assert login_status("made@example.com", PASSWORD) == 200
