"""Secrets never reach the logs: a filter on every log handler that blanks them out.

httpx logs every request URL at INFO, and the Bot API puts the bot token in the URL path
(``/bot<token>/sendMessage``); exception messages and tracebacks can carry it too. The filter
replaces the token (and the other secrets from settings) in the message and the traceback text,
and any ``bot<id>:<secret>`` shaped token even when it is not ours.
"""

import logging
import re

from django.conf import settings

SECRET_SETTINGS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BOT_SECRET",
    "SECRET_KEY",
    "YANDEX_CLIENT_SECRET",
    "METRICS_TOKEN",
)
MASK = "[redacted]"
BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")


def _secrets() -> list[str]:
    values = [str(getattr(settings, name, "") or "") for name in SECRET_SETTINGS]
    storages: dict = settings.STORAGES
    s3 = storages.get("default", {}).get("OPTIONS", {}).get("secret_key")
    values.append(str(s3 or ""))
    # Short values would blank out ordinary words; real secrets are long.
    return sorted({v for v in values if len(v) >= 8}, key=len, reverse=True)


def redact(text: str) -> str:
    for secret in _secrets():
        text = text.replace(secret, MASK)
    return BOT_TOKEN.sub(MASK, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
