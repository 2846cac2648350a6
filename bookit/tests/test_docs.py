import re

import pytest

pytestmark = pytest.mark.django_db


def test_swagger_ui_loads_with_local_assets_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-dist" in a for a in assets)
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))]
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset


def test_schema_describes_the_auth_endpoints(client):
    response = client.get("/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/auth/register", "/api/auth/login", "/api/user/me"):
        assert any(p.rstrip("/") == path for p in paths), path


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
