from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulationState(models.Model):
    """The one row (pk=1) that says whether demo activity runs and how fast.

    In the database, not in memory: the staff endpoint, ``manage.py simulate`` and every
    scheduler replica see the same switch, and only one of them generates each tick's events
    (the row is locked while the tick is claimed).
    """

    SINGLETON_PK = 1

    is_running = models.BooleanField(_("running"), default=False)
    rate_per_minute = models.FloatField(_("events per minute"), default=6.0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    last_tick_at = models.DateTimeField(_("last tick at"), null=True, blank=True)
    # Fractions of an event carried to the next tick, so a low rate still happens on average.
    carry = models.FloatField(default=0.0)
    # Bookings the simulator decided not to check in: they lapse into no-shows.
    lapse_ids = models.JSONField(default=list, blank=True)
    bookings = models.PositiveIntegerField(_("bookings"), default=0)
    check_ins = models.PositiveIntegerField(_("check-ins"), default=0)
    cancellations = models.PositiveIntegerField(_("cancellations"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)
    refused = models.PositiveIntegerField(_("refused by the rules"), default=0)

    class Meta:
        verbose_name = _("demo activity")
        verbose_name_plural = _("demo activity")

    def __str__(self) -> str:
        state = "running" if self.is_running else "stopped"
        return f"simulation {state} at {self.rate_per_minute:g}/min"
