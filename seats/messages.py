"""What the seat and floor services say: every user-facing text of ``services.py``, in one
place. Fixed texts are lazy constants; texts with values are small functions. The msgids are
those of the catalogues in ``locale/``: change a text here and in both catalogues together."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AMENITIES_NOT_A_LIST = _("Amenities must be a list.")
SEAT_LABEL = _("A seat needs a label of at most 20 characters.")
UNKNOWN_SEAT_KIND = _("Unknown seat kind.")
ACTIVE_NOT_BOOLEAN = _("Active must be true or false.")
SEAT_LABEL_TAKEN = _("A seat with this label already exists on this floor.")
MAIN_FLOOR = _("Main floor")
FLOOR_NAME = _("A floor needs a name.")
ZONE_NAME = _("A zone needs a name of at most 60 characters.")
ZONE_SIZE = _("A zone needs a width and a height.")
ZONE_NOT_ON_FLOOR = _("This zone is not on this floor.")
SEAT_NOT_ON_FLOOR = _("This seat is not on this floor.")


def unknown_amenities(names: list[str]) -> str:
    return gettext("Unknown amenities: %(names)s.") % {"names": ", ".join(names)}


def not_a_coordinate(field: str) -> str:
    return gettext("%(field)s must be a whole number from 0 to 100000.") % {"field": field}


SEAT_NOT_BOOKABLE = _("This seat is not available for booking.")
