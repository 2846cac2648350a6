"""The bot process as deployed: long polling plus the JobQueue outbox sweep."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.core.management import CommandError, call_command
from django.db import connections

from integrations.models import Notification, NotificationDelivery
from integrations.notifications.outbox import notify
from integrations.telegram.bot import OUTBOX_EXECUTOR, _set_commands, build_application
from integrations.telegram.tests.conftest import message_update

pytestmark = pytest.mark.django_db(transaction=True)


def test_polling_bot_answers_updates_and_delivers_the_outbox(telegram_on, member):
    member.telegram_id, member.language = 5001, "en"
    member.save()
    notify(
        user=member,
        kind=Notification.Kind.TICKET_STATUS,
        key="ticket:1:resolved",
        payload={"ticket": 1, "subject": "Lamp", "status": "resolved", "comment": ""},
        channels=["telegram"],
    )
    telegram_on.state.updates.append(message_update("/help", user_id=5001))

    def done() -> bool:
        texts = telegram_on.sent_texts(chat_id=5001)
        return any("/bookings" in t for t in texts) and any("Lamp" in t for t in texts)

    async def scenario() -> None:
        app = build_application(outbox_interval=0.2)
        async with app:
            await app.updater.start_polling(poll_interval=0.0, timeout=0)
            await app.start()
            for _ in range(200):
                if done():
                    break
                await asyncio.sleep(0.05)
            await app.updater.stop()
            await app.stop()
        # Both worker threads keep a DB connection; PostgreSQL cannot drop a database in use.
        await sync_to_async(connections.close_all, thread_sensitive=True)()

    asyncio.run(scenario())
    OUTBOX_EXECUTOR.submit(connections.close_all).result()
    assert done()
    assert telegram_on.calls("getUpdates")
    assert NotificationDelivery.objects.get().status == NotificationDelivery.Status.SENT


def test_runbot_refuses_to_start_without_a_token(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN"):
        call_command("runbot")


def test_command_menu_is_set_per_language(telegram_on, db):
    async def scenario() -> None:
        app = build_application(polling=False)
        async with app:
            await _set_commands(app)

    asyncio.run(scenario())
    calls = telegram_on.calls("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "ru", "en"]
    english = {c["command"]: c["description"] for c in calls[2].params["commands"]}
    assert english["book"] == "book a seat" and set(english) == {
        "book",
        "bookings",
        "series",
        "tickets",
        "help",
    }
