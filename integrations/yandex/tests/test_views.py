from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from social_django.models import UserSocialAuth

from accounts.models import User
from integrations.models import Notification
from integrations.yandex.tests.fake_yandex import (
    ACCESS_TOKEN,
    AUTHORIZE_URL,
    BEGIN,
    CALLBACK,
    callback,
    login_with_yandex,
    start,
    yandex_profile,
)

pytestmark = pytest.mark.django_db

LAUNCHER = "/api/yandex/login"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def begin_form(html: str) -> str:
    """The form that posts to the begin URL, out of a whole page."""
    form = html[html.index(f'action="{BEGIN}"') :]
    return form[: form.index("</form>")]


def session_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


class TestStart:
    def test_button_post_redirects_to_yandex_with_our_callback_and_a_state(
        self, yandex_on, browser
    ):
        location, query = start(browser)

        assert location.startswith(AUTHORIZE_URL + "?")
        assert query["client_id"] == "client-id"
        assert query["response_type"] == "code"
        assert query["redirect_uri"] == "http://testserver/api/yandex/callback"
        assert len(query["state"]) >= 16

    def test_each_start_gets_its_own_state(self, yandex_on, browser):
        _, first = start(browser)
        _, second = start(browser)
        assert first["state"] != second["state"]

    def test_begin_refuses_get(self, yandex_on, browser):
        assert browser.get(BEGIN).status_code == 405

    def test_begin_refuses_a_post_without_csrf_token(self, yandex_on):
        client = Client(enforce_csrf_checks=True)
        assert client.post(BEGIN).status_code == 403

    def test_launcher_page_posts_to_begin_with_a_csrf_token(self, yandex_on):
        client = Client(enforce_csrf_checks=True)
        page = client.get(LAUNCHER)

        assert page.status_code == 200
        html = page.content.decode()
        assert f'action="{BEGIN}"' in html
        assert 'method="post"' in html
        assert "<noscript>" in html
        assert 'getElementById("yandex-launch").submit()' in html
        # What the page's form submits is accepted: the CSRF token in it is valid.
        token = page.context["csrf_token"]
        assert f'name="csrfmiddlewaretoken" value="{token}"' in html
        response = client.post(BEGIN, {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert response["Location"].startswith(AUTHORIZE_URL)

    def test_launcher_keeps_a_local_next_and_drops_a_foreign_one(self, yandex_on, browser):
        local = browser.get(LAUNCHER, {"next": "/bookings/"}).content.decode()
        foreign = browser.get(LAUNCHER, {"next": "https://evil.example/"}).content.decode()
        assert 'name="next" value="/bookings/"' in begin_form(local)
        assert 'name="next"' not in begin_form(foreign)


class TestCallback:
    def test_new_member_gets_an_unverified_account_session_and_jwt_cookies(
        self, yandex_on, browser
    ):
        _, query = start(browser)
        response, calls = callback(browser, {"code": "auth-code", "state": query["state"]})

        assert response.status_code == 302
        assert response["Location"] == "/"
        # The code was exchanged at Yandex for our redirect URI, then the profile was fetched
        # with the access token in the header.
        token_call, info_call = calls
        sent = parse_qs(token_call.request.body)
        assert sent["code"] == ["auth-code"]
        assert sent["grant_type"] == ["authorization_code"]
        assert sent["redirect_uri"] == ["http://testserver/api/yandex/callback"]
        assert info_call.request.headers["Authorization"] == f"OAuth {ACCESS_TOKEN}"

        user = User.objects.get(email="ivan.petrov@yandex.ru")
        assert (user.first_name, user.last_name) == ("Ivan", "Petrov")
        assert user.is_verified is False
        assert not user.has_usable_password()
        social = UserSocialAuth.objects.get(user=user)
        assert (social.provider, social.uid) == ("yandex", "1000001")
        assert session_user_id(browser) == str(user.pk)
        # The same redirect logs the browser into the API, like a password login.
        access = response.cookies[settings.JWT_ACCESS_COOKIE]
        refresh = response.cookies[settings.JWT_REFRESH_COOKIE]
        assert access.value and access["httponly"]
        assert refresh.value and refresh["httponly"]
        assert refresh["path"] == settings.JWT_REFRESH_COOKIE_PATH
        assert messages_of(response) == [
            "Staff will verify your account before you can book seats."
        ]

    def test_a_new_member_from_yandex_is_announced_to_staff(self, yandex_on, browser, staff):
        login_with_yandex(browser)
        user = User.objects.get(email="ivan.petrov@yandex.ru")
        waiting = Notification.objects.get(user=staff)
        assert (waiting.kind, waiting.payload["member"]) == ("member_registered", user.pk)
        # No welcome email: the member is logged in already.
        assert not Notification.objects.filter(user=user).exists()
        login_with_yandex(Client())  # a later login is not a new member
        assert Notification.objects.filter(user=staff).count() == 1

    def test_jwt_cookie_from_yandex_login_authenticates_the_api(self, yandex_on, browser):
        response = login_with_yandex(browser)

        api = Client()
        api.cookies[settings.JWT_ACCESS_COOKIE] = response.cookies[settings.JWT_ACCESS_COOKIE].value
        me = api.get("/api/user/me")
        assert me.status_code == 200
        assert me.json()["email"] == "ivan.petrov@yandex.ru"

    def test_session_from_yandex_login_opens_the_pages(self, yandex_on, browser):
        login_with_yandex(browser)
        profile = browser.get("/profile/")
        assert profile.status_code == 200
        assert profile.wsgi_request.user.email == "ivan.petrov@yandex.ru"

    def test_existing_account_is_linked_by_email_case_insensitively(
        self, yandex_on, browser, member
    ):
        response = login_with_yandex(
            browser, profile=yandex_profile(default_email="Member@Example.COM", real_name="M M")
        )

        assert response["Location"] == "/"
        assert settings.JWT_ACCESS_COOKIE in response.cookies
        assert User.objects.filter(email__iexact="member@example.com").count() == 1
        assert User.objects.count() == 1
        assert UserSocialAuth.objects.get(uid="1000001").user == member
        assert session_user_id(browser) == str(member.pk)
        member.refresh_from_db()
        # The names the member already has are theirs; Yandex only fills empty ones.
        assert (member.first_name, member.last_name) == ("Maria", "Member")
        assert member.is_verified is True
        assert messages_of(response) == []

    def test_an_unconfirmed_registration_is_confirmed_by_yandex_and_loses_its_password(
        self, yandex_on, browser, staff
    ):
        from accounts.services import user_register

        pending = user_register(email="ivan.petrov@yandex.ru", password="typed-by-Anyone-7").user
        assert not pending.email_confirmed
        response = login_with_yandex(browser)
        assert response["Location"] == "/"
        assert session_user_id(browser) == str(pending.pk)
        pending.refresh_from_db()
        # Yandex ID vouches for the mailbox, not for the password typed at the registration.
        assert pending.email_confirmed and not pending.has_usable_password()
        waiting = Notification.objects.get(user=staff)
        assert (waiting.kind, waiting.payload["member"]) == ("member_registered", pending.pk)
        login = Client().post(
            "/api/auth/login",
            {"email": pending.email, "password": "typed-by-Anyone-7"},
            content_type="application/json",
        )
        assert login.status_code == 401

    def test_new_yandex_accounts_are_confirmed(self, yandex_on, browser):
        login_with_yandex(browser)
        assert User.objects.get(email="ivan.petrov@yandex.ru").email_confirmed

    def test_linked_identity_logs_in_again_without_a_second_account(self, yandex_on, browser):
        login_with_yandex(browser)
        browser.post("/logout/")
        other_browser = Client(headers={"Accept-Language": "en"})
        # A changed mailbox at Yandex does not split the member: the uid is the link.
        login_with_yandex(other_browser, profile=yandex_profile(default_email="new@yandex.ru"))

        assert User.objects.count() == 1
        assert UserSocialAuth.objects.count() == 1
        user = User.objects.get()
        assert user.email == "ivan.petrov@yandex.ru"
        assert session_user_id(other_browser) == str(user.pk)

    def test_email_is_stored_lower_cased(self, yandex_on, browser):
        login_with_yandex(browser, profile=yandex_profile(default_email=" Ivan.Petrov@Yandex.RU "))
        assert User.objects.get().email == "ivan.petrov@yandex.ru"

    def test_email_falls_back_to_the_first_confirmed_address(self, yandex_on, browser):
        login_with_yandex(
            browser, profile=yandex_profile(default_email="", emails=["second@yandex.ru"])
        )
        assert User.objects.get().email == "second@yandex.ru"

    def test_empty_email_is_refused_with_a_message(self, yandex_on, browser):
        response = login_with_yandex(browser, profile=yandex_profile(default_email="", emails=[]))

        assert response.status_code == 302
        assert response["Location"] == "/login/"
        assert not User.objects.exists()
        assert session_user_id(browser) is None
        [message] = messages_of(response)
        assert "did not share an email address" in message

    def test_denied_consent_lands_on_the_login_page_with_a_message(self, yandex_on, browser):
        _, query = start(browser)
        response, calls = callback(browser, {"error": "access_denied", "state": query["state"]})

        assert response.status_code == 302
        assert response["Location"] == "/login/"
        assert calls == []
        assert not User.objects.exists()
        page = browser.get(response["Location"])
        assert "Login with Yandex ID was cancelled." in page.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"code": "auth-code", "state": "forged-state"},
            {"code": "auth-code"},
        ],
        ids=["bad-state", "missing-state"],
    )
    def test_bad_or_missing_state_is_refused_before_talking_to_yandex(
        self, yandex_on, browser, params
    ):
        start(browser)
        response, calls = callback(browser, params)

        assert response["Location"] == "/login/"
        assert calls == []
        assert not User.objects.exists()
        [message] = messages_of(response)
        assert "expired or was started in another browser" in message

    def test_state_from_another_browser_is_refused(self, yandex_on, browser):
        _, query = start(Client())
        response, calls = callback(browser, {"code": "auth-code", "state": query["state"]})

        assert response["Location"] == "/login/"
        assert calls == []
        assert session_user_id(browser) is None

    def test_a_state_works_only_once(self, yandex_on, browser):
        _, query = start(browser)
        params = {"code": "auth-code", "state": query["state"]}
        callback(browser, params)
        browser.post("/logout/")

        replay, calls = callback(browser, params)
        assert replay["Location"] == "/login/"
        assert calls == []

    def test_yandex_outage_is_a_message_not_a_500(self, yandex_on, browser):
        _, query = start(browser)
        response, _ = callback(
            browser, {"code": "auth-code", "state": query["state"]}, token_status=503
        )

        assert response["Location"] == "/login/"
        [message] = messages_of(response)
        assert "not reachable right now" in message

    def test_deactivated_account_is_refused(self, yandex_on, browser, member):
        member.is_active = False
        member.save()
        response = login_with_yandex(
            browser, profile=yandex_profile(default_email="member@example.com")
        )

        assert response["Location"] == "/login/"
        assert session_user_id(browser) is None
        assert not UserSocialAuth.objects.exists()
        [message] = messages_of(response)
        assert "This account is disabled" in message

    def test_logged_in_member_links_their_own_account_whatever_the_email(
        self, yandex_on, browser, member
    ):
        browser.force_login(member)
        response = login_with_yandex(browser)

        assert response["Location"] == "/"
        assert UserSocialAuth.objects.get(uid="1000001").user == member
        assert not User.objects.filter(email="ivan.petrov@yandex.ru").exists()

    def test_identity_linked_to_someone_else_is_refused_for_a_logged_in_member(
        self, yandex_on, browser, member, other_member
    ):
        first = Client()
        first.force_login(other_member)
        login_with_yandex(first)
        assert UserSocialAuth.objects.get(uid="1000001").user == other_member

        browser.force_login(member)
        response = login_with_yandex(browser)

        assert response["Location"] == "/login/"
        assert session_user_id(browser) == str(member.pk)
        [message] = messages_of(response)
        assert message == "This Yandex ID is already linked to another account."

    def test_callback_opened_by_hand_goes_to_the_login_page(self, yandex_on, browser):
        response = browser.get(CALLBACK)
        assert response.status_code == 302
        assert response["Location"] == "/login/"


class TestNext:
    def test_page_the_login_started_from_is_the_landing_page(self, yandex_on, browser):
        response = login_with_yandex(browser, next="/bookings/")
        assert response["Location"] == "/bookings/"
        assert settings.JWT_ACCESS_COOKIE in response.cookies

    def test_foreign_next_is_ignored(self, yandex_on, browser):
        response = login_with_yandex(browser, next="https://evil.example/")
        assert response["Location"] == "/"
        assert settings.JWT_ACCESS_COOKIE in response.cookies


class TestSwitch:
    @pytest.mark.parametrize("page", ["/login/", "/register/"])
    def test_button_is_shown_when_on(self, yandex_on, browser, page):
        html = browser.get(page).content.decode()
        assert f'action="{BEGIN}"' in html
        assert "Log in with Yandex ID" in html

    @pytest.mark.parametrize("page", ["/login/", "/register/"])
    def test_button_is_hidden_when_off(self, yandex_off, browser, page):
        html = browser.get(page).content.decode()
        assert BEGIN not in html
        assert "Yandex" not in html

    def test_login_page_passes_its_next_to_the_button(self, yandex_on, browser):
        html = browser.get("/login/", {"next": "/bookings/"}).content.decode()
        assert 'name="next" value="/bookings/"' in begin_form(html)

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", LAUNCHER),
            ("post", BEGIN),
            ("get", CALLBACK + "?code=c&state=s"),
        ],
    )
    def test_endpoints_answer_404_when_off(self, yandex_off, browser, method, path):
        assert getattr(browser, method)(path).status_code == 404
