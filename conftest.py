"""Shared fixtures of the whole suite: personas, API and page clients, the frozen clock, a fast
hasher, a temporary MEDIA_ROOT, a clean cache. App conftests add only what is their own."""

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.clock import NOW
from seats.tests.factories import make_seat

# The browser fixtures (Chromium via Playwright) of the apps' test_e2e_*.py modules.
pytest_plugins = ["bookit.tests.browser"]


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


@pytest.fixture
def member_client(client, member):
    """The page client, logged in as the member through the login backend, like a browser."""
    client.login(email=member.email, password=PASSWORD)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.login(email=staff.email, password=PASSWORD)
    return client


@pytest.fixture
def frozen():
    """Freeze "now" at bookit.tests.clock.NOW; it moves only when a test shifts it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def seat(db):
    return make_seat("A1")


@pytest.fixture
def seat2(db, seat):
    return make_seat("A2", floor=seat.floor)
