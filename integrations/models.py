import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TelegramLinkToken(models.Model):
    """A one-time deep-link token (``/start <token>``). Only its SHA-256 is stored.

    A token is good once, for LINK_TOKEN_TTL; a database leak does not reveal live tokens.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="telegram_link_tokens",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and self.expires_at > now


class Notification(models.Model):
    """The outbox: one event to tell a member about, delivered on each channel they chose.

    Rows are written in the same transaction as the event they announce, so a booking that
    rolls back leaves no message and a committed one always has its message. Each channel's
    delivery (NotificationDelivery) is claimed, retried and marked on its own, so an SMTP outage
    neither delays nor repeats the Telegram message of the same event.
    """

    class Kind(models.TextChoices):
        BOOKING_CREATED = "booking_created", _("Booking confirmed")
        BOOKING_UPDATED = "booking_updated", _("Booking changed")
        BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
        CHECKED_IN = "checked_in", _("Check-in confirmed")
        NO_SHOW = "no_show", _("No-show")
        REMINDER = "reminder", _("Reminder before start")
        TICKET_STATUS = "ticket_status", _("Ticket status changed")
        ACCOUNT_VERIFIED = "account_verified", _("Account verified")
        TICKET_CREATED = "ticket_created", _("New ticket (staff)")
        MEMBER_REGISTERED = "member_registered", _("Member waiting for verification (staff)")
        # Sent before confirmation existed; kept for the history of older accounts.
        WELCOME = "welcome", _("Welcome after registration")
        CONFIRM_EMAIL = "confirm_email", _("Registration: confirm the email address")
        ACCOUNT_EXISTS = "account_exists", _("Registration with an existing email")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGE = "email_change", _("Email change confirmation")
        EMAIL_CHANGED = "email_changed", _("Email changed (to the old address)")
        BOOKING_BLOCKED = "booking_blocked", _("Booking cancelled: seat closed")
        MEMBER_REJECTED = "member_rejected", _("Registration declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # One event, one row: a second enqueue of the same key is ignored (ON CONFLICT DO NOTHING).
    dedupe_key = models.CharField(_("dedupe key"), max_length=128, unique=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "kind", "created_at"], name="notification_user_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationDelivery(models.Model):
    """One notification on one channel: claimed with a lease, retried with backoff."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        TELEGRAM = "telegram", _("Telegram")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Due time; a sender that claims a row moves it forward by a lease (see notifications/outbox).
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.channel} ({self.status})"


# Models of the integration sub-packages live beside their code; importing them here registers
# them with the integrations app (one migration history).
from integrations.kiosk.models import Kiosk  # noqa: E402, F401
from integrations.simulation.models import SimulationState  # noqa: E402, F401
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
