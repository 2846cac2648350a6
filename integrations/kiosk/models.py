from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kiosk(models.Model):
    """A wall display of one floor, reachable by an unguessable link without logging in.

    The token is kept readable so staff can copy the link again later; it unlocks only the
    public floor view (no identities but the first names of members who opted in). Revoking
    sets ``revoked_at``: the link answers 404 from then on.
    """

    floor = models.ForeignKey(
        "seats.Floor", verbose_name=_("floor"), on_delete=models.CASCADE, related_name="kiosks"
    )
    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["floor", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.floor})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
