# The fake Bot API of the Telegram tests, shared rather than copied (test_secrets).
from integrations.telegram.tests.conftest import fakebot, telegram_on  # noqa: F401
