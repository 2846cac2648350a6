"""A fake of Yandex ID's token and user-info endpoints, and the browser steps of the flow.

social-core talks to Yandex through ``requests``; ``responses`` answers those calls in-process,
so the whole OAuth flow runs offline through the real views, pipeline and session.
"""

from urllib.parse import parse_qs, urlsplit

import responses
from django.test import Client

AUTHORIZE_URL = "https://oauth.yandex.com/authorize"
TOKEN_URL = "https://oauth.yandex.com/token"
INFO_URL = "https://login.yandex.ru/info"
BEGIN = "/api/yandex/login/start"
CALLBACK = "/api/yandex/callback"
ACCESS_TOKEN = "yandex-access-token"


def yandex_profile(**overrides) -> dict:
    profile = {
        "id": "1000001",
        "login": "ivan.petrov",
        "display_name": "ivan.petrov",
        "real_name": "Ivan Petrov",
        "default_email": "ivan.petrov@yandex.ru",
        "emails": ["ivan.petrov@yandex.ru"],
    }
    profile.update(overrides)
    return profile


def start(client: Client, **data) -> tuple[str, dict[str, str]]:
    """POST the Yandex button; return the authorize URL and its query parameters."""
    response = client.post(BEGIN, data)
    assert response.status_code == 302, response
    location = response["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    return location, query


def callback(client: Client, params: dict, *, profile: dict | None = None, token_status=200):
    """GET the callback with Yandex's token and info endpoints faked; return response and calls."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        fake.add(
            responses.POST,
            TOKEN_URL,
            json={"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600}
            if token_status == 200
            else {"error": "server_error"},
            status=token_status,
        )
        fake.add(responses.GET, INFO_URL, json=profile or yandex_profile())
        response = client.get(CALLBACK, params)
        calls = list(fake.calls)
    return response, calls


def login_with_yandex(client: Client, *, profile: dict | None = None, **begin_data):
    """The whole browser round trip up to our callback's redirect."""
    _, query = start(client, **begin_data)
    response, _ = callback(client, {"code": "auth-code", "state": query["state"]}, profile=profile)
    return response
