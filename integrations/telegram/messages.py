"""The Telegram form of a notification: the shared text (notifications/messages.py) plus the
bot's own buttons; and what the linking service (services.py) says. The msgids are those of the
catalogues in ``locale/``: change a text here and in both catalogues together."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from integrations.notifications.messages import format_window, local, render

__all__ = ["LINK_INVALID", "cancel_button", "format_window", "local", "render_notification"]

# Linking a chat (services.telegram_link)
LINK_INVALID = gettext_lazy(
    "This link is invalid or has expired. Get a new one on your profile page."
)

# Kinds about a booking that can still be cancelled from the chat.
CANCELLABLE = {"booking_created", "booking_updated", "reminder"}


def cancel_button(reservation_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Cancel booking"), callback_data=f"c:{reservation_id}")]]
    )


def render_notification(
    kind: str, payload: dict[str, Any], user
) -> tuple[str, InlineKeyboardMarkup | None]:
    """(text, keyboard) for an outbox row, in the member's language."""
    message = render(kind, payload, user=user)
    markup = None
    if kind in CANCELLABLE:
        with override(user.language):
            markup = cancel_button(payload["reservation"])
    return message.text, markup
