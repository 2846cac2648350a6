from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Ticket(models.Model):
    """A member's report of a problem. Status changes go through tickets.services only."""

    class Category(models.TextChoices):
        SEAT = "seat", _("Seat problem")
        EQUIPMENT = "equipment", _("Equipment")
        NOISE = "noise", _("Noise")
        ACCESS = "access", _("Access")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Rejected")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        # Deleting an account keeps its tickets, anonymised, so the support history stays true.
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    seat = models.ForeignKey(
        "seats.Seat",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    reservation = models.ForeignKey(
        "reservations.Reservation",
        verbose_name=_("reservation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    staff_comment = models.TextField(_("staff comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="ticket_author_created"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.REJECTED)


class TicketEvent(models.Model):
    """One entry of a ticket's history: who changed what, when. Written by the services."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty for the event that records the ticket's creation.
    old_status = models.CharField(
        _("old status"), max_length=12, choices=Ticket.Status.choices, blank=True
    )
    new_status = models.CharField(_("new status"), max_length=12, choices=Ticket.Status.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.old_status or '-'} -> {self.new_status}"
