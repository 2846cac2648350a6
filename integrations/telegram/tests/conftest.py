import asyncio
import itertools

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from telegram import Update

from bookit.tests.clock import NOW
from integrations.telegram.bot import build_application
from integrations.telegram.tests.fakebot import BOT_USERNAME, FakeBotServer

TOKEN = "123456:TEST-token"
SECRET = "bot-shared-secret"


@pytest.fixture
def fakebot():
    server = FakeBotServer().start()
    yield server
    server.stop()


@pytest.fixture
def telegram_on(settings, fakebot):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME
    settings.TELEGRAM_BOT_SECRET = SECRET
    settings.TELEGRAM_API_BASE_URL = fakebot.base_url
    settings.TELEGRAM_ENABLED = True
    return fakebot


_ids = itertools.count(1)


def message_update(
    text: str,
    *,
    user_id: int,
    username: str = "maria",
    lang: str = "en",
    chat: dict | None = None,
) -> dict:
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(NOW.timestamp()),
            "chat": chat or {"id": user_id, "type": "private"},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": "Maria",
                "username": username,
                "language_code": lang,
            },
            "text": text,
            "entities": entities,
        },
    }


def callback_update(data: str, *, user_id: int, lang: str = "en") -> dict:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "chat_instance": "ci",
            "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": "Maria", "language_code": lang},
            "message": {
                "message_id": 555,
                "date": int(NOW.timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": 777000, "is_bot": True, "first_name": "BookIT"},
                "text": "previous",
            },
        },
    }


def run_updates(*updates: dict) -> None:
    """Feed updates to the real Application, built against the fake Bot API server."""

    errors: list[BaseException] = []

    async def record_error(update, context) -> None:
        errors.append(context.error)

    async def scenario():
        app = build_application(polling=False)
        app.add_error_handler(record_error)
        async with app:
            for data in updates:
                await app.process_update(Update.de_json(data, app.bot))
        # The handlers' executor thread keeps its own connection: close it, or PostgreSQL
        # refuses to drop the test database at the end of the run.
        await sync_to_async(connections.close_all, thread_sensitive=True)()

    asyncio.run(scenario())
    if errors:  # the Application swallows handler errors; a test must not
        raise errors[0]
