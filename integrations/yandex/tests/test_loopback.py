"""The whole protocol over real HTTP: a fake Yandex ID on loopback instead of mocked calls."""

import pytest
import requests
from django.conf import settings
from social_django.models import UserSocialAuth

from accounts.models import User
from integrations.yandex.tests.fake_yandex import FakeYandexServer, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_yandex(yandex_on):
    with FakeYandexServer(client_id="client-id", client_secret="client-secret") as server:
        yandex_on.SOCIAL_AUTH_YANDEX_AUTHORIZATION_URL = f"{server.url}/authorize"
        yandex_on.SOCIAL_AUTH_YANDEX_ACCESS_TOKEN_URL = f"{server.url}/token"
        yandex_on.YANDEX_USER_INFO_URL = f"{server.url}/info"
        yield server


def test_login_round_trip_through_a_yandex_on_loopback(fake_yandex, browser):
    location, _ = start(browser)
    assert location.startswith(f"{fake_yandex.url}/authorize?")

    # The browser follows the redirect to "Yandex", which sends it back to our callback.
    consent = requests.get(location, allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    back = consent.headers["Location"]
    assert back.startswith("http://testserver/api/yandex/callback?")

    response = browser.get(back.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.JWT_ACCESS_COOKIE in response.cookies
    user = User.objects.get(email="ivan.petrov@yandex.ru")
    assert (user.first_name, user.last_name, user.is_verified) == ("Ivan", "Petrov", False)
    assert UserSocialAuth.objects.get(user=user).uid == "1000001"
    # The info endpoint only answers to the token in the header, so reaching it proves both.
    assert fake_yandex.requests == [("GET", "/authorize"), ("POST", "/token"), ("GET", "/info")]


def test_wrong_client_secret_is_a_message_not_a_500(fake_yandex, browser, settings):
    settings.SOCIAL_AUTH_YANDEX_SECRET = "stale-secret"
    location, _ = start(browser)
    back = requests.get(location, allow_redirects=False, timeout=5).headers["Location"]

    response = browser.get(back.removeprefix("http://testserver"))

    assert response["Location"] == "/login/"
    assert not User.objects.exists()
    assert browser.session.get("_auth_user_id") is None
    assert fake_yandex.requests == [("GET", "/authorize"), ("POST", "/token")]
    page = browser.get("/login/").content.decode()
    assert "Login with Yandex ID is not configured correctly." in page
