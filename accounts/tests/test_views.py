import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class TestLoginPage:
    def test_it_logs_in_with_session_and_jwt_cookies(self, client, member):
        response = client.post("/login/", {"email": "Member@example.com", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"
        assert response.cookies[settings.JWT_ACCESS_COOKIE]["httponly"]
        assert client.get("/profile/").status_code == 200

    def test_wrong_password_shows_an_error(self, client, member):
        response = client.post("/login/", {"email": "member@example.com", "password": "nope"})
        assert response.status_code == 400
        assert "Invalid email or password." in response.content.decode()

    def test_lockout_applies_to_the_page_too(self, client, member, settings):
        for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
            client.post("/login/", {"email": "member@example.com", "password": "nope"})
        response = client.post("/login/", {"email": "member@example.com", "password": PASSWORD})
        assert response.status_code == 400
        assert "Too many failed login attempts" in response.content.decode()

    def test_next_must_stay_on_this_site(self, client, member):
        response = client.post(
            "/login/?next=https://evil.example/",
            {"email": "member@example.com", "password": PASSWORD},
        )
        assert response["Location"] == "/"


class TestRegisterPage:
    def test_it_registers_and_logs_in_unverified(self, client):
        response = client.post(
            "/register/",
            {
                "email": "New.Person@example.com",
                "first_name": "New",
                "last_name": "Person",
                "password": "s3cure-Passw0rd",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="new.person@example.com")
        assert not user.is_verified
        assert client.get("/profile/").status_code == 200

    def test_errors_are_shown_next_to_fields(self, client, member):
        response = client.post(
            "/register/", {"email": "member@example.com", "first_name": "X", "password": "123"}
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "An account with this email already exists." in html
        assert 'id="id_email-error"' in html


class TestProfile:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get("/profile/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_edit_name_and_language(self, client, member):
        client.force_login(member)
        response = client.post(
            "/profile/", {"first_name": "Mara", "last_name": "M", "language": "en"}
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert (member.first_name, member.language) == ("Mara", "en")

    def test_delete_needs_the_password(self, client, member):
        client.force_login(member)
        response = client.post("/profile/delete/", {"password": "wrong"})
        assert response.status_code == 400
        assert User.objects.filter(pk=member.pk).exists()
        response = client.post("/profile/delete/", {"password": PASSWORD})
        assert response.status_code == 302
        assert not User.objects.filter(pk=member.pk).exists()
        assert (
            client.post(
                "/login/", {"email": "member@example.com", "password": PASSWORD}
            ).status_code
            == 400
        )

    def test_account_without_password_confirms_with_its_email(self, client, member):
        member.set_unusable_password()
        member.save()
        client.force_login(member)
        assert "Type your email address" in client.get("/profile/").content.decode()
        response = client.post("/profile/delete/", {"confirm_email": "someone@example.com"})
        assert response.status_code == 400
        assert "This is not your email address." in response.content.decode()
        response = client.post("/profile/delete/", {"confirm_email": "MEMBER@example.com"})
        assert response.status_code == 302
        assert not User.objects.filter(pk=member.pk).exists()

    def test_logout_is_a_post(self, client, member):
        client.force_login(member)
        assert client.get("/logout/").status_code == 200  # a confirmation page, no logout
        assert client.get("/profile/").status_code == 200
        response = client.post("/logout/")
        assert response.status_code == 302
        assert client.get("/profile/").status_code == 302


class TestPageLogoutEndsTheApiSession:
    def _refresh(self, client, token: str) -> int:
        return client.post(
            "/api/auth/refresh", {"refresh": token}, content_type="application/json"
        ).status_code

    def test_the_refresh_token_of_the_page_login_no_longer_refreshes(self, client, member):
        login = client.post("/login/", {"email": "member@example.com", "password": PASSWORD})
        refresh = login.cookies[settings.JWT_REFRESH_COOKIE].value
        assert client.post("/logout/").status_code == 302
        assert self._refresh(Client(), refresh) == 401

    def test_it_follows_a_rotation_done_through_the_api(self, client, member):
        login = client.post("/login/", {"email": "member@example.com", "password": PASSWORD})
        first = login.cookies[settings.JWT_REFRESH_COOKIE].value
        # The browser refreshes with its cookie; the session keeps track of the new token.
        rotated = client.post("/api/auth/refresh", content_type="application/json")
        assert rotated.status_code == 200
        second = rotated.json()["refresh"]
        client.post("/logout/")
        assert self._refresh(Client(), first) == 401  # blacklisted by the rotation
        assert self._refresh(Client(), second) == 401  # blacklisted by the page logout

    def test_other_devices_stay_logged_in(self, client, member):
        other = Client().post("/login/", {"email": "member@example.com", "password": PASSWORD})
        other_refresh = other.cookies[settings.JWT_REFRESH_COOKIE].value
        client.post("/login/", {"email": "member@example.com", "password": PASSWORD})
        client.post("/logout/")
        assert self._refresh(Client(), other_refresh) == 200


class TestUserAdmin:
    def test_verify_action_records_who(self, client, staff, unverified):
        client.force_login(staff)
        response = client.post(
            "/admin/accounts/user/",
            {"action": "verify_selected", "_selected_action": [unverified.pk]},
        )
        assert response.status_code == 302
        unverified.refresh_from_db()
        assert unverified.is_verified and unverified.verified_by == staff

    def test_changelist_filters_and_search(self, client, staff, member, unverified):
        client.force_login(staff)
        html = client.get("/admin/accounts/user/?is_verified__exact=0").content.decode()
        assert "new@example.com" in html and "member@example.com" not in html
        html = client.get("/admin/accounts/user/?q=maria").content.decode()
        assert "member@example.com" in html and "new@example.com" not in html

    def test_add_user_form_works_with_email_login(self, client, staff):
        client.force_login(staff)
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "email": "added@example.com",
                "password1": "s3cure-Passw0rd",
                "password2": "s3cure-Passw0rd",
                "usable_password": "true",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert User.objects.get(email="added@example.com").check_password("s3cure-Passw0rd")

    def test_change_form_renders(self, client, staff, member):
        client.force_login(staff)
        assert client.get(f"/admin/accounts/user/{member.pk}/change/").status_code == 200


def test_admin_removes_an_avatar_through_the_service(
    client, staff, member, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from accounts.avatars.services import avatar_set
    from accounts.tests.avatar_images import image_bytes, upload

    avatar_set(user=member, upload=upload(image_bytes()))
    member.refresh_from_db()
    name = member.avatar.name
    assert default_storage.exists(name)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/accounts/user/", {"action": "remove_avatars", "_selected_action": [member.pk]}
        )
    member.refresh_from_db()
    assert not member.avatar
    assert not default_storage.exists(name)
