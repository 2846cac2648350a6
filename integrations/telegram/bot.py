"""The Telegram bot: python-telegram-bot's Application with async handlers.

Handlers only shuttle between Telegram and the sync views in bot_views.py, which run in
Django's thread-sensitive executor (the ORM is sync-only; calling it from the event loop raises
SynchronousOnlyOperation). ``manage.py runbot`` polls; a webhook is not wired (see
docs/telegram.md): polling needs no public HTTPS endpoint and the bot runs as one replica.
"""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from telegram import BotCommand, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)
from telegram.request import HTTPXRequest

from bookit import heartbeat
from integrations.telegram import bot_views, outbox

logger = logging.getLogger(__name__)

OUTBOX_INTERVAL = 5.0  # seconds between outbox sweeps run by the bot process
OUTBOX_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telegram-outbox")


def _command(view: Callable[..., bot_views.Reply]):
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user is None or update.effective_message is None:
            return
        reply = await sync_to_async(view, thread_sensitive=True)(
            update.effective_user, list(context.args or [])
        )
        await update.effective_message.reply_text(reply.text, reply_markup=reply.markup)

    return handler


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    reply = await sync_to_async(bot_views.callback_view, thread_sensitive=True)(
        update.effective_user, query.data or ""
    )
    await query.answer()
    try:
        await query.edit_message_text(reply.text, reply_markup=reply.markup)
    except BadRequest as exc:
        # "message is not modified" on a double tap, or a message too old to edit.
        logger.info("Could not edit the message, sending a new one: %s", exc)
        if query.message is not None:
            await query.message.reply_text(reply.text, reply_markup=reply.markup)


async def send_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue job: deliver pending notifications from the bot process too.

    send_pending runs its own event loop (asyncio.run) with its own Bot, so it runs in a worker
    thread, not in this loop, and not in the handlers' thread (a slow batch must not hold up
    replies). One dedicated thread keeps one DB connection. Concurrent runs with the scheduler
    are safe (see outbox.py).
    """
    try:
        await sync_to_async(
            _send_pending_in_thread, thread_sensitive=False, executor=OUTBOX_EXECUTOR
        )()
    except Exception:
        logger.exception("Outbox delivery failed")


def _send_pending_in_thread() -> int:
    # Worker threads keep their own DB connections: drop stale ones like a request would.
    close_old_connections()
    try:
        return outbox.send_pending()
    finally:
        close_old_connections()


class HeartbeatRequest(HTTPXRequest):
    """The getUpdates connection (PTB's defaults for it), recording the bot's heartbeat.

    A getUpdates that Telegram answered is the bot's successful loop: it proves the event loop
    runs and Telegram is reachable. Long polling returns at least every 10 s when idle and many
    times a second when busy, so the file is written at most once a second.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._last_beat = 0.0

    async def post(self, *args, **kwargs):
        result = await super().post(*args, **kwargs)  # raises on any error: no beat then
        now = time.monotonic()
        if now - self._last_beat >= 1.0:
            self._last_beat = now
            heartbeat.beat("bot")
        return result


async def _set_commands(application: Application) -> None:
    """The command menu, in each language; Telegram picks it by the user's app language."""
    # The default menu (for app languages we do not speak) is in the site's default language.
    menus = [(None, settings.LANGUAGE_CODE)] + [(code, code) for code, _n in settings.LANGUAGES]
    for language_code, language in menus:
        commands = await sync_to_async(bot_views.command_menu)(language)
        await application.bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands], language_code=language_code
        )


def build_application(
    *,
    token: str | None = None,
    base_url: str | None = None,
    polling: bool = True,
    outbox_interval: float | None = None,
) -> Application:
    """The bot's Application. Tests pass ``polling=False`` and drive it with process_update."""
    builder = (
        ApplicationBuilder()
        .token(token or settings.TELEGRAM_BOT_TOKEN)
        .base_url(base_url or settings.TELEGRAM_API_BASE_URL)
    )
    if polling:
        builder = builder.post_init(_set_commands).get_updates_request(HeartbeatRequest())
    else:
        builder = builder.updater(None).job_queue(None)
    application = builder.build()
    # Private chats only: in a group the bot would show a member's bookings to everyone.
    private = filters.ChatType.PRIVATE
    views = {
        "start": bot_views.start_view,
        "help": bot_views.help_view,
        "bookings": bot_views.bookings_view,
        "book": bot_views.book_view,
        "tickets": bot_views.tickets_view,
        "series": bot_views.series_view,
    }
    for name, view in views.items():
        application.add_handler(CommandHandler(name, _command(view), filters=private))
    application.add_handler(CallbackQueryHandler(on_callback))
    if outbox_interval and application.job_queue is not None:
        application.job_queue.run_repeating(send_outbox, interval=outbox_interval, first=1.0)
    return application
