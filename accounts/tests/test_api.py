import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import LoginFailure, User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"
REFRESH = "/api/auth/refresh"
LOGOUT = "/api/auth/logout"
ME = "/api/user/me"


def login(client, email="member@example.com", password=PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password}, format="json")


class TestRegister:
    def test_it_creates_an_unverified_member(self, api):
        response = api.post(
            REGISTER,
            {
                "email": "Ivan@Example.com",
                "password": "s3cure-Passw0rd",
                "first_name": "Ivan",
                "last_name": "Petrov",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert set(body) >= {"id", "email", "first_name", "last_name", "is_verified"}
        assert body["email"] == "ivan@example.com"
        assert body["is_verified"] is False
        assert User.objects.get(pk=body["id"]).check_password("s3cure-Passw0rd")

    def test_an_existing_email_is_not_revealed_nor_duplicated(self, api, member):
        # Deliberate change (issue 18): the same 201 as for a new account; the owner of the
        # address is emailed instead (accounts/tests/test_lifecycle.py).
        response = api.post(
            REGISTER, {"email": "MEMBER@example.COM", "password": "s3cure-Passw0rd"}
        )
        assert response.status_code == 201
        assert set(response.json()) == {"id", "email", "first_name", "last_name", "is_verified"}
        assert response.json()["is_verified"] is False
        assert User.objects.filter(email__iexact="member@example.com").count() == 1

    def test_it_rejects_a_weak_password(self, api):
        response = api.post(REGISTER, {"email": "weak@example.com", "password": "12345"})
        assert response.status_code == 400
        assert response.json()["errors"]["password"]
        assert not User.objects.filter(email="weak@example.com").exists()

    def test_it_rejects_a_bad_email(self, api):
        response = api.post(REGISTER, {"email": "not-an-email", "password": "s3cure-Passw0rd"})
        assert response.status_code == 400
        assert response.json()["errors"]["email"]

    def test_missing_fields_are_field_errors(self, api):
        response = api.post(REGISTER, {})
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"email", "password"}


class TestLogin:
    def test_it_returns_tokens_in_body_and_httponly_cookies(self, api, member):
        response = login(api)
        assert response.status_code == 200
        assert set(response.json()) == {"access", "refresh"}
        access = response.cookies[settings.JWT_ACCESS_COOKIE]
        refresh = response.cookies[settings.JWT_REFRESH_COOKIE]
        assert access["httponly"] and refresh["httponly"]
        assert access.value == response.json()["access"]
        assert refresh["path"] == settings.JWT_REFRESH_COOKIE_PATH

    def test_wrong_password_is_401(self, api, member):
        response = login(api, password="wrong")
        assert response.status_code == 401
        assert response.json()["detail"]
        assert LoginFailure.objects.filter(email="member@example.com").count() == 1

    def test_unknown_user_is_401(self, api):
        response = login(api, email="nobody@example.com")
        assert response.status_code == 401

    def test_malformed_json_is_400(self, api):
        response = api.post(LOGIN, data="{not json", content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()

    def test_email_is_case_insensitive(self, api, member):
        assert login(api, email="MEMBER@example.com").status_code == 200


class TestTokens:
    def test_bearer_header_authenticates(self, api, member):
        access = login(api).json()["access"]
        client = APIClient()
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")
        assert response.status_code == 200
        assert response.json()["email"] == "member@example.com"

    def test_no_credentials_is_401(self, api):
        response = api.get(ME)
        assert response.status_code == 401
        assert response.json() == {"detail": response.json()["detail"], "errors": {}}

    def test_cookie_auth_reads_but_needs_csrf_to_write(self, member):
        client = APIClient(enforce_csrf_checks=True)
        assert login(client).status_code == 200  # sets the cookies on the client
        assert client.get(ME).status_code == 200
        denied = client.patch(ME, {"first_name": "X"}, format="json")
        assert denied.status_code == 403
        assert "CSRF" in denied.json()["detail"]
        client.get("/login/")  # the page sets the csrftoken cookie
        token = client.cookies["csrftoken"].value
        allowed = client.patch(ME, {"first_name": "X"}, format="json", HTTP_X_CSRFTOKEN=token)
        assert allowed.status_code == 200
        assert allowed.json()["first_name"] == "X"

    def test_an_expired_cookie_falls_back_to_the_session(self, client, member):
        client.force_login(member)
        client.cookies[settings.JWT_ACCESS_COOKIE] = "expired.or.garbage"
        assert client.get(ME).status_code == 200
        client.logout()
        client.cookies[settings.JWT_ACCESS_COOKIE] = "expired.or.garbage"
        assert client.get(ME).status_code == 401

    def test_bearer_requests_skip_csrf(self, member):
        client = APIClient(enforce_csrf_checks=True)
        access = login(client).json()["access"]
        client.cookies.clear()
        response = client.patch(
            ME, {"first_name": "Y"}, format="json", HTTP_AUTHORIZATION=f"Bearer {access}"
        )
        assert response.status_code == 200

    def test_refresh_rotates_and_blacklists_the_old_token(self, api, member):
        old = login(api).json()["refresh"]
        response = api.post(REFRESH, {"refresh": old})
        assert response.status_code == 200
        body = response.json()
        assert body["access"] and body["refresh"] and body["refresh"] != old
        assert api.post(REFRESH, {"refresh": old}).status_code == 401

    def test_refresh_falls_back_to_the_cookie(self, api, member):
        login(api)
        response = api.post(REFRESH, {})
        assert response.status_code == 200
        assert response.cookies[settings.JWT_ACCESS_COOKIE].value == response.json()["access"]

    def test_refresh_with_garbage_is_401(self, api):
        assert api.post(REFRESH, {"refresh": "garbage"}).status_code == 401

    def test_refresh_without_token_is_400(self, api):
        response = api.post(REFRESH, {})
        assert response.status_code == 400
        assert "refresh" in response.json()["errors"]

    def test_logout_then_refresh_is_401(self, api, member):
        refresh = login(api).json()["refresh"]
        response = api.post(LOGOUT, {"refresh": refresh})
        assert response.status_code == 204
        assert response.cookies[settings.JWT_ACCESS_COOKIE].value == ""
        assert api.post(REFRESH, {"refresh": refresh}).status_code == 401


class TestMe:
    def test_get_returns_the_profile(self, member_api, member):
        body = member_api.get(ME).json()
        assert body == {
            "id": member.pk,
            "email": "member@example.com",
            "first_name": "Maria",
            "last_name": "Member",
            "is_verified": True,
            "is_staff": False,
            "telegram_linked": False,
            "avatar_url": body["avatar_url"],
            "language": "ru",
            "notify_email": True,
            "notify_telegram": True,
            "show_on_map": False,
        }
        assert body["avatar_url"].startswith("http")

    def test_patch_opts_in_to_showing_the_first_name(self, member_api, member):
        response = member_api.patch(ME, {"show_on_map": True}, format="json")
        assert response.status_code == 200 and response.json()["show_on_map"] is True
        member.refresh_from_db()
        assert member.show_on_map is True
        assert member_api.patch(ME, {"show_on_map": "maybe"}, format="json").status_code == 400

    def test_patch_cannot_escalate(self, unverified):
        client = APIClient()
        client.force_authenticate(unverified)
        response = client.patch(
            ME,
            {
                "first_name": "Nina2",
                "is_staff": True,
                "is_verified": True,
                "email": "evil@example.com",
            },
            format="json",
        )
        assert response.status_code == 200
        unverified.refresh_from_db()
        assert unverified.first_name == "Nina2"
        assert not unverified.is_staff and not unverified.is_verified
        assert unverified.email == "new@example.com"

    def test_patch_rejects_unknown_language(self, member_api):
        response = member_api.patch(ME, {"language": "xx"}, format="json")
        assert response.status_code == 400
        assert "language" in response.json()["errors"]

    def test_delete_removes_the_account_and_login_fails(self, api, member):
        access = login(api).json()["access"]
        client = APIClient()
        response = client.delete(ME, HTTP_AUTHORIZATION=f"Bearer {access}")
        assert response.status_code == 204
        assert not User.objects.filter(email="member@example.com").exists()
        assert login(APIClient()).status_code == 401


class TestAdminUsers:
    def test_staff_verifies_a_member(self, staff_api, staff, unverified):
        response = staff_api.post(f"/api/admin/verify_user/{unverified.pk}")
        assert response.status_code == 200
        unverified.refresh_from_db()
        assert unverified.is_verified and unverified.verified_by == staff
        assert unverified.verified_at is not None

    def test_verify_unknown_user_is_404(self, staff_api):
        assert staff_api.post("/api/admin/verify_user/999999").status_code == 404

    def test_member_gets_403_and_anonymous_401(self, member_api, api, unverified):
        assert member_api.post(f"/api/admin/verify_user/{unverified.pk}").status_code == 403
        assert api.post(f"/api/admin/verify_user/{unverified.pk}").status_code == 401
        assert member_api.get("/api/admin/users").status_code == 403
        assert api.get("/api/admin/users").status_code == 401
        unverified.refresh_from_db()
        assert not unverified.is_verified

    def test_users_list_is_paginated_and_filterable(self, staff_api, member, unverified):
        body = staff_api.get("/api/admin/users?verified=false").json()
        assert body["count"] == 1
        assert body["results"][0]["email"] == "new@example.com"
        assert set(body["results"][0]) >= {
            "id",
            "email",
            "first_name",
            "last_name",
            "is_verified",
            "is_staff",
        }
        found = staff_api.get("/api/admin/users?search=maria").json()["results"]
        assert [u["email"] for u in found] == ["member@example.com"]
        assert staff_api.get("/api/admin/users?verified=maybe").status_code == 400


class TestRateLimit:
    def test_account_is_locked_after_repeated_failures_even_with_right_password(
        self, api, member, settings
    ):
        for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
            assert login(api, password="wrong").status_code == 401
        response = login(api)
        assert response.status_code == 429
        assert response.json()["detail"].startswith("Too many failed login attempts")

    def test_ip_budget_is_generous_but_finite(self, api, member, settings):
        settings.LOGIN_MAX_FAILURES_PER_IP = 8
        for i in range(8):
            login(api, email=f"typo{i}@example.com", password="wrong")
        assert login(api).status_code == 429

    def test_forty_colleagues_behind_one_nat_can_log_in(self, db):
        users = [User.objects.create_user(f"c{i}@example.com", PASSWORD) for i in range(40)]
        client = APIClient()
        for user in users:
            assert login(client, email=user.email).status_code == 200

    def test_cache_throttle_answers_429(self, api, member, monkeypatch):
        from rest_framework.throttling import ScopedRateThrottle

        rates = {**ScopedRateThrottle.THROTTLE_RATES, "auth": "3/min"}
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
        codes = [login(api).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]


def test_errors_are_json_with_detail_and_errors(api):
    response = api.post(REGISTER, data=json.dumps({"email": 5}), content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
