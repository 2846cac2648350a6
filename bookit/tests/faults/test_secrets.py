"""Secrets never reach the logs: the real httpx line of a real Bot API call, through our handler."""

import asyncio
import io
import logging

import pytest

from bookit.logredact import MASK, RedactSecrets
from integrations.telegram.client import make_bot
from integrations.telegram.tests.conftest import TOKEN


@pytest.fixture
def log_output():
    """What the configured console handler (settings.LOGGING) writes, httpx at INFO."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    httpx_logger = logging.getLogger("httpx")
    level = httpx_logger.level
    httpx_logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        httpx_logger.setLevel(level)
        handler.setStream(previous)


def test_the_bot_token_never_reaches_the_log(telegram_on, log_output):
    async def call():
        async with make_bot() as bot:
            await bot.get_me()

    asyncio.run(call())
    try:
        raise RuntimeError(f"POST {telegram_on.base_url}{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("bookit.test").exception("delivery failed")

    text = log_output.getvalue()
    assert "getMe" in text  # httpx did log the request line
    assert "delivery failed" in text and "RuntimeError" in text
    assert TOKEN not in text
    assert text.count(MASK) >= 2


def test_a_foreign_bot_token_shape_is_redacted_too():
    from bookit.logredact import redact

    assert redact("https://api.telegram.org/bot987654321:AAH-abcdefghijklmnopqrstuv/getMe") == (
        f"https://api.telegram.org/bot{MASK}/getMe"
    )
