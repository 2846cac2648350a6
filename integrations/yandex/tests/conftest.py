"""Yandex ID switched on or off per test, and an English-speaking browser."""

import pytest
from django.test import Client


@pytest.fixture
def yandex_on(settings):
    settings.YANDEX_CLIENT_ID = "client-id"
    settings.YANDEX_CLIENT_SECRET = "client-secret"
    settings.SOCIAL_AUTH_YANDEX_KEY = "client-id"
    settings.SOCIAL_AUTH_YANDEX_SECRET = "client-secret"
    settings.SOCIAL_AUTH_REDIRECT_IS_HTTPS = False
    settings.YANDEX_ENABLED = True
    return settings


@pytest.fixture
def yandex_off(settings):
    settings.YANDEX_CLIENT_ID = ""
    settings.YANDEX_CLIENT_SECRET = ""
    settings.YANDEX_ENABLED = False
    return settings


@pytest.fixture
def browser():
    # English, so assertions on messages do not depend on the Russian catalog.
    return Client(headers={"Accept-Language": "en"})
