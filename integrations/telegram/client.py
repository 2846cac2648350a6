"""The thin Bot API client: one place that knows the token, the base URL and the timeouts.

A Bot holds an httpx AsyncClient bound to the event loop that opened it, so never share one
across ``asyncio.run`` calls: create it per loop and use it as ``async with make_bot() as bot``
(which also calls getMe once).
"""

from django.conf import settings
from telegram import Bot
from telegram.request import HTTPXRequest

# Per request: 5 s connect + 10 s write + 10 s read at worst (the outbox lease relies on it).
HTTP_TIMEOUTS = {"connect_timeout": 5.0, "read_timeout": 10.0, "write_timeout": 10.0}


def make_bot() -> Bot:
    return Bot(
        settings.TELEGRAM_BOT_TOKEN,
        base_url=settings.TELEGRAM_API_BASE_URL,
        request=HTTPXRequest(**HTTP_TIMEOUTS),
    )
