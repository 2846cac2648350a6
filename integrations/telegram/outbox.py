"""The Telegram channel of the notification outbox (integrations/notifications/outbox.py).

Claims due Telegram deliveries, sends them with one Bot per batch (one event loop per batch:
a Bot is bound to its loop) and records each outcome; the claim lease, backoff and
at-least-once rules are the outbox's.
"""

import asyncio
import datetime as dt
import logging
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from accounts.models import User
from integrations.notifications import outbox
from integrations.notifications.outbox import BATCH_SIZE, Channel
from integrations.telegram.client import make_bot
from integrations.telegram.messages import render_notification

logger = logging.getLogger(__name__)


@dataclass
class Outgoing:
    delivery_id: int
    user_id: int
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class Outcome:
    item: Outgoing
    error: BaseException | None = None
    attempted: bool = True


def send_pending(*, batch_size: int = BATCH_SIZE, max_batches: int = 10) -> int:
    """Deliver due outbox rows; returns how many were sent. Off without a bot token."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    sent = 0
    for _ in range(max_batches):
        claimed = outbox.claim(channel=Channel.TELEGRAM, batch_size=batch_size)
        if not claimed:
            break
        outgoing = _prepare(claimed)
        if outgoing:
            sent += _record(asyncio.run(_deliver(outgoing)))
        if len(claimed) < batch_size:
            break
    return sent


def _prepare(rows) -> list[Outgoing]:
    outgoing = []
    for row in rows:
        user = row.notification.user
        if user.telegram_id is None or not outbox.reachable(user, row.notification.kind):
            outbox.mark_failed(row.pk, "Telegram is not linked.")
            continue
        try:
            text, markup = render_notification(
                row.notification.kind, row.notification.payload, user
            )
        except Exception as exc:  # a message that cannot be rendered never will be
            logger.exception("Could not render notification %s", row.pk)
            outbox.mark_failed(row.pk, exc)
            continue
        outgoing.append(Outgoing(row.pk, user.pk, user.telegram_id, text, markup))
    return outgoing


async def _deliver(items: list[Outgoing]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    try:
        async with make_bot() as bot:
            for index, item in enumerate(items):
                try:
                    await bot.send_message(
                        chat_id=item.chat_id, text=item.text, reply_markup=item.markup
                    )
                except RetryAfter as exc:
                    # Flood control: everything else in this batch would be refused too.
                    outcomes.append(Outcome(item, exc))
                    outcomes += [Outcome(rest, exc, attempted=False) for rest in items[index + 1 :]]
                    break
                except TelegramError as exc:
                    outcomes.append(Outcome(item, exc))
                else:
                    outcomes.append(Outcome(item))
    except Exception as exc:  # getMe / connection failure: retry the rest later
        logger.warning("Telegram delivery batch failed: %s", exc)
        done = {o.item.delivery_id for o in outcomes}
        outcomes += [Outcome(i, exc) for i in items if i.delivery_id not in done]
    return outcomes


def _record(outcomes: list[Outcome]) -> int:
    sent = 0
    with transaction.atomic():
        for outcome in outcomes:
            item, exc = outcome.item, outcome.error
            if exc is None:
                outbox.mark_sent(item.delivery_id)
                sent += 1
            elif isinstance(exc, Forbidden):
                # The member blocked the bot (or deleted the account): stop messaging them.
                User.objects.filter(pk=item.user_id, telegram_id=item.chat_id).update(
                    telegram_id=None, telegram_username=""
                )
                outbox.mark_failed(item.delivery_id, exc)
            elif isinstance(exc, (BadRequest, ChatMigrated)):
                outbox.mark_failed(item.delivery_id, exc)
            elif isinstance(exc, RetryAfter):
                outbox.postpone(
                    item.delivery_id, _retry_after(exc), exc, attempted=outcome.attempted
                )
            else:
                # NetworkError, TimedOut, 5xx, a wrong token: try again later.
                outbox.retry_later(item.delivery_id, exc)
    return sent


def _retry_after(exc: RetryAfter) -> dt.timedelta:
    with warnings.catch_warnings():
        # PTB 22 deprecates the int form; either form means seconds.
        warnings.simplefilter("ignore")
        delay = exc.retry_after
    return delay if isinstance(delay, dt.timedelta) else dt.timedelta(seconds=delay)
