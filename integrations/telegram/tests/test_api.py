import pytest
from django.urls import reverse

from integrations.models import TelegramLinkToken
from integrations.telegram import services
from integrations.telegram.tests.conftest import SECRET, TOKEN
from integrations.telegram.tests.fakebot import BOT_USERNAME


@pytest.fixture
def tg_settings(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME
    settings.TELEGRAM_BOT_SECRET = SECRET
    return settings


def bot_headers(secret: str = SECRET) -> dict:
    return {"HTTP_X_BOT_SECRET": secret}


def test_get_token_returns_one_time_deep_link(tg_settings, member_api, member):
    response = member_api.get("/api/telegram/get_token")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "url", "expires_at"}
    assert body["url"] == f"https://t.me/{BOT_USERNAME}?start={body['token']}"
    assert TelegramLinkToken.objects.filter(user=member).count() == 1
    assert member_api.get("/api/telegram/get_token/").status_code == 200  # trailing slash


def test_get_token_needs_login(tg_settings, api):
    assert api.get("/api/telegram/get_token").status_code == 401


def test_get_token_when_telegram_is_off_is_503(settings, member_api):
    settings.TELEGRAM_BOT_TOKEN = ""
    response = member_api.get("/api/telegram/get_token")
    assert response.status_code == 503
    assert response.json()["detail"]
    assert not TelegramLinkToken.objects.exists()


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_BOT_SECRET": "wrong"}])
def test_bot_endpoints_refuse_missing_or_wrong_secret(tg_settings, api, member, headers):
    link = services.link_token_create(user=member)
    connect = api.post(
        "/api/telegram/connect", {"token": link.token, "telegram_id": 42}, format="json", **headers
    )
    exists = api.get("/api/telegram/exists", {"telegram_id": 42}, **headers)
    assert connect.status_code == 403 and exists.status_code == 403
    member.refresh_from_db()
    assert member.telegram_id is None


def test_bot_endpoints_are_closed_when_no_secret_is_configured(tg_settings, api):
    tg_settings.TELEGRAM_BOT_SECRET = ""
    response = api.get("/api/telegram/exists", {"telegram_id": 42}, **bot_headers(""))
    assert response.status_code == 403


def test_connect_links_with_the_bot_secret(tg_settings, api, member):
    link = services.link_token_create(user=member)
    response = api.post(
        "/api/telegram/connect",
        {"token": link.token, "telegram_id": 4242, "username": "maria"},
        format="json",
        **bot_headers(),
    )
    assert response.status_code == 200
    assert response.json() == {"linked": True, "user_id": member.pk, "language": member.language}
    member.refresh_from_db()
    assert (member.telegram_id, member.telegram_username) == (4242, "maria")


def test_connect_with_used_token_is_400(tg_settings, api, member):
    link = services.link_token_create(user=member)
    services.telegram_link(token=link.token, telegram_id=1)
    response = api.post(
        "/api/telegram/connect",
        {"token": link.token, "telegram_id": 2},
        format="json",
        **bot_headers(),
    )
    assert response.status_code == 400
    assert "token" in response.json()["errors"]


def test_connect_with_bad_input_is_400(tg_settings, api):
    response = api.post(
        "/api/telegram/connect", {"telegram_id": "abc"}, format="json", **bot_headers()
    )
    assert response.status_code == 400
    assert {"token", "telegram_id"} <= set(response.json()["errors"])


def test_exists_tells_whether_a_chat_is_linked(tg_settings, api, member):
    member.telegram_id = 4242
    member.save()
    url = "/api/telegram/exists"
    assert api.get(url, {"telegram_id": 4242}, **bot_headers()).json() == {"exists": True}
    assert api.get(url, {"telegram_id": 1}, **bot_headers()).json() == {"exists": False}
    assert api.get(url, **bot_headers()).status_code == 400


def test_unlink_api(member_api, member):
    member.telegram_id = 4242
    member.save()
    assert member_api.post(reverse("telegram-api:unlink")).status_code == 204
    member.refresh_from_db()
    assert member.telegram_id is None


def test_unlink_needs_login(api):
    assert api.post("/api/telegram/unlink").status_code == 401
