"""A fake of Yandex ID's token and user-info endpoints, and the browser steps of the flow.

social-core talks to Yandex through ``requests``; ``responses`` answers those calls in-process,
so the whole OAuth flow runs offline through the real views, pipeline and session.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

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


class FakeYandexServer:
    """Yandex ID's three endpoints over real HTTP on loopback (for live runs of the protocol).

    /authorize sends the browser straight back with a code (as if the member consented),
    /token swaps that code for a token when the client credentials match, and /info answers
    only to ``Authorization: OAuth <token>``, as Yandex does.
    """

    CODE = "loopback-code"
    TOKEN = "loopback-token"

    def __init__(self, *, client_id: str, client_secret: str, profile: dict | None = None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.profile = profile or yandex_profile()
        self.requests: list[tuple[str, str]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeYandexServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append(("GET", url.path))
                if url.path == "/authorize":
                    if query.get("client_id") != fake.client_id:
                        return self._json(400, {"error": "invalid_client"})
                    answer = urlencode({"code": fake.CODE, "state": query["state"]})
                    back = f"{query['redirect_uri']}?{answer}"
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.end_headers()
                    return None
                if url.path == "/info":
                    if self.headers.get("Authorization") != f"OAuth {fake.TOKEN}":
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, fake.profile)
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                fake.requests.append(("POST", self.path))
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                credentials = (form.get("client_id"), form.get("client_secret"))
                if credentials != (fake.client_id, fake.client_secret):
                    return self._json(401, {"error": "invalid_client"})
                if form.get("code") != fake.CODE:
                    return self._json(400, {"error": "invalid_grant"})
                return self._json(200, {"access_token": fake.TOKEN, "token_type": "bearer"})

        return Handler
