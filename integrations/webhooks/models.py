"""Outbound webhooks: the endpoints staff registered and one delivery row per (event, endpoint).

A delivery row is written in the same transaction as the event, so a rolled-back booking sends
nothing and a committed one is never lost; the scheduler sends rows later (delivery.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Event types this endpoint receives (see events.EVENT_TYPES); never empty.
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # The signing key ("whsec_" + base64). Stored readable because every delivery is signed
    # with it; it is shown to staff once, at creation or rotation, never in a list.
    secret = models.CharField(_("secret"), max_length=100)
    # After a rotation the old key keeps signing (a second signature) until this time, so the
    # receiver can switch keys without dropping a message.
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret expires at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The Standard Webhooks message id (header webhook-id): the same on every retry, so the
    # receiver can drop duplicates of an at-least-once delivery.
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event_type = models.CharField(_("event"), max_length=40)
    # The exact JSON text that is signed and sent, identical on every attempt.
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "endpoint", "id"], name="webhook_delivery_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
