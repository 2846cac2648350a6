"""Shared fixtures: personas, API clients, a fast hasher, a temporary MEDIA_ROOT, a clean cache."""

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import make_user


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests read messages in English; the product default (Russian) is tested explicitly.
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def member(db):
    return make_user("member@example.com", first_name="Maria", last_name="Member", verified=True)


@pytest.fixture
def other_member(db):
    return make_user("other@example.com", first_name="Oleg", last_name="Other", verified=True)


@pytest.fixture
def unverified(db):
    return make_user("new@example.com", first_name="Nina", last_name="New", verified=False)


@pytest.fixture
def staff(db):
    return make_user(
        "staff@example.com",
        first_name="Sergey",
        last_name="Staff",
        verified=True,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def api():
    return APIClient()


def _client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def member_api(member):
    return _client_for(member)


@pytest.fixture
def other_api(other_member):
    return _client_for(other_member)


@pytest.fixture
def staff_api(staff):
    return _client_for(staff)
