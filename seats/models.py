from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Floor(models.Model):
    name = models.CharField(_("name"), max_length=100)
    ordering = models.PositiveIntegerField(_("order"), default=0)
    width = models.PositiveIntegerField(_("map width"), default=1000)
    height = models.PositiveIntegerField(_("map height"), default=600)
    plan_image = models.ImageField(_("plan image"), upload_to="floors/", blank=True)

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["ordering", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is one the catalog knows (the demo's
        "Floor 1"); a name staff typed is shown as typed."""
        return gettext(self.name) if self.name else self.name


class Seat(models.Model):
    class Kind(models.TextChoices):
        DESK = "desk", _("Desk")
        QUIET_DESK = "quiet_desk", _("Quiet desk")
        MEETING_ROOM = "meeting_room", _("Meeting room")

    class Amenity(models.TextChoices):
        MONITOR = "monitor", _("Monitor")
        WINDOW = "window", _("Window")
        POWER = "power", _("Power outlet")
        STANDING = "standing", _("Standing desk")
        DOCK = "dock", _("Docking station")

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor"), on_delete=models.PROTECT, related_name="seats"
    )
    label = models.CharField(_("label"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DESK)
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    x = models.PositiveIntegerField(_("x"), default=0)
    y = models.PositiveIntegerField(_("y"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["floor__ordering", "floor_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "label"], name="seat_label_unique_per_floor"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.floor_id and self.floor.display_name})"

    @property
    def amenity_labels(self) -> list[str]:
        names = dict(self.Amenity.choices)
        return [str(names.get(a, a)) for a in self.amenities]


# Seat glyph sizes in map units (the floor's own coordinate system), centred on Seat.x/y: the
# member map and the floor editor draw a seat at the same size, so it lands where it was placed.
SEAT_GLYPHS = {Seat.Kind.MEETING_ROOM: (104, 64)}
DEFAULT_GLYPH = (64, 44)


class Zone(models.Model):
    """A named area of a floor plan (e.g. "Quiet zone", "Kitchen"), drawn as a rectangle.

    In the floor's own map units, like Seat.x/y: (x, y) is the top-left corner. Zones are
    drawing only; they do not own seats (a seat's zone is the zone its point falls into).
    """

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor"), on_delete=models.CASCADE, related_name="zones"
    )
    name = models.CharField(_("name"), max_length=60)
    x = models.PositiveIntegerField(_("x"), default=0)
    y = models.PositiveIntegerField(_("y"), default=0)
    width = models.PositiveIntegerField(_("width"), default=200)
    height = models.PositiveIntegerField(_("height"), default=120)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["floor_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gt=0) & models.Q(height__gt=0), name="zone_has_area"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FavouriteSeat(models.Model):
    """A member's favourite seat: starred on the map, first candidate of "my usual seat"."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="favourite_seats",
    )
    seat = models.ForeignKey(
        Seat, verbose_name=_("seat"), on_delete=models.CASCADE, related_name="favourites"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("favourite seat")
        verbose_name_plural = _("favourite seats")
        constraints = [
            models.UniqueConstraint(fields=["user", "seat"], name="favourite_seat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.seat_id}"
