import pytest

from integrations.webhooks import services
from integrations.webhooks.events import EVENT_TYPES
from integrations.webhooks.tests.receiver import start_receiver


@pytest.fixture
def allow_loopback(settings):
    """The receiver lives on 127.0.0.1, which the SSRF guard refuses unless allowed."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT = 0.5
    settings.WEBHOOKS_BACKOFF_BASE = 30


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def endpoint(db, staff, receiver, allow_loopback):
    return services.webhook_endpoint_create(url=receiver.url, events=list(EVENT_TYPES), by=staff)
