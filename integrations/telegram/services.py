"""Linking a Telegram chat to a BookIT account.

Invariants:
- a link token is random (secrets), stored only as its SHA-256, valid for LINK_TOKEN_TTL and
  usable once; it is consumed under a row lock, so two concurrent ``/start`` calls with the
  same token link at most once;
- ``User.telegram_id`` is unique. A Telegram account already linked to another BookIT account
  is MOVED to the account whose token it presents: only that Telegram user can send ``/start``
  from the chat, and holding a fresh token proves control of the new account, so nobody else's
  link is taken over. The previous account is unlinked in the same transaction.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from telegram.helpers import create_deep_linked_url

from accounts.models import User
from bookit.errors import ValidationFailed
from integrations.models import TelegramLinkToken
from integrations.telegram import messages as msg

LINK_TOKEN_TTL = dt.timedelta(minutes=10)


def telegram_enabled() -> bool:
    """Linking needs the bot token and its username (links are built without a network call)."""
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class LinkToken:
    token: str
    url: str
    expires_at: dt.datetime


def link_token_create(*, user: User, now: dt.datetime | None = None) -> LinkToken:
    """A fresh one-time deep link for ``user``; the member's older unused tokens stop working."""
    now = now or timezone.now()
    # 24 random bytes -> 32 chars of [A-Za-z0-9_-]: inside Telegram's 64-char payload alphabet.
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        TelegramLinkToken.objects.filter(user=user, used_at__isnull=True).delete()
        # Housekeeping: spent and expired tokens are useless after a day.
        TelegramLinkToken.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
        row = TelegramLinkToken.objects.create(
            user=user, token_hash=hash_token(token), created_at=now, expires_at=now + LINK_TOKEN_TTL
        )
    url = create_deep_linked_url(settings.TELEGRAM_BOT_USERNAME or "", token)
    return LinkToken(token=token, url=url, expires_at=row.expires_at)


def _bad_token() -> ValidationFailed:
    return ValidationFailed.on("token", msg.LINK_INVALID)


def telegram_link(
    *, token: str, telegram_id: int, username: str = "", now: dt.datetime | None = None
) -> User:
    """Consume ``token`` and link the Telegram account ``telegram_id`` to the token's owner."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        raise _bad_token()
    with transaction.atomic():
        row = (
            TelegramLinkToken.objects.select_for_update()
            .filter(token_hash=hash_token(token))
            .first()
        )
        if row is None or not row.is_usable(now):
            raise _bad_token()
        row.used_at = now
        row.save(update_fields=["used_at"])
        user = User.objects.select_for_update().get(pk=row.user_id)
        if not user.is_active:
            raise _bad_token()
        # Move the link: free the unique telegram_id before giving it to this account.
        User.objects.filter(telegram_id=telegram_id).exclude(pk=user.pk).update(
            telegram_id=None, telegram_username=""
        )
        user.telegram_id = telegram_id
        user.telegram_username = (username or "")[:64]
        user.save(update_fields=["telegram_id", "telegram_username"])
    return user


def telegram_unlink(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(telegram_id=None, telegram_username="")
    user.telegram_id = None
    user.telegram_username = ""


def user_for_telegram(*, telegram_id: int) -> User | None:
    return User.objects.filter(telegram_id=telegram_id, is_active=True).first()
