import pytest
from django.test import Client

from integrations.models import TelegramLinkToken
from integrations.telegram.tests.conftest import TOKEN
from integrations.telegram.tests.fakebot import BOT_USERNAME


@pytest.fixture
def tg_settings(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME
    settings.TELEGRAM_ENABLED = True
    return settings


@pytest.fixture
def browser(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_profile_shows_link_button_without_creating_a_token(tg_settings, browser):
    response = browser.get("/profile/")
    assert response.status_code == 200
    assert b'action="/profile/telegram/link/"' in response.content
    assert not TelegramLinkToken.objects.exists()


def test_profile_hides_telegram_when_off(settings, browser):
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_ENABLED = "", False
    response = browser.get("/profile/")
    assert b"/profile/telegram/link/" not in response.content


def test_link_page_shows_deep_link_and_qr(tg_settings, browser, member):
    response = browser.post("/profile/telegram/link/")
    assert response.status_code == 200
    assert TelegramLinkToken.objects.filter(user=member).count() == 1
    html = response.content.decode()
    assert f"https://t.me/{BOT_USERNAME}?start=" in html
    assert "<svg" in html and "<path" in html


def test_link_page_refuses_get(tg_settings, browser):
    assert browser.get("/profile/telegram/link/").status_code == 405
    assert not TelegramLinkToken.objects.exists()


def test_link_page_when_off_explains_and_creates_nothing(settings, browser):
    settings.TELEGRAM_BOT_TOKEN = ""
    response = browser.post("/profile/telegram/link/", follow=True)
    assert response.redirect_chain == [("/profile/", 302)]
    assert "not configured" in response.content.decode()
    assert not TelegramLinkToken.objects.exists()


def test_link_page_needs_login(tg_settings, client, db):
    response = client.post("/profile/telegram/link/")
    assert response.status_code == 302
    assert not TelegramLinkToken.objects.exists()


def test_linked_profile_shows_username_and_unlinks(tg_settings, browser, member):
    member.telegram_id, member.telegram_username = 4242, "maria_tg"
    member.save()
    response = browser.get("/profile/")
    assert b"@maria_tg" in response.content
    assert b'action="/profile/telegram/unlink/"' in response.content
    response = browser.post("/profile/telegram/unlink/")
    assert response.status_code == 302 and response["Location"] == "/profile/"
    member.refresh_from_db()
    assert member.telegram_id is None
