import pytest

from integrations.notifications.tests.smtpserver import SMTPServer


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend against a real SMTP server on a free loopback port."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "BookIT <desk@bookit.example>"
    settings.SITE_URL = "https://bookit.example"
    yield server
    server.stop()


# The fake Bot API server, for tests that deliver on both channels.
from integrations.telegram.tests.conftest import fakebot, telegram_on  # noqa: E402, F401
