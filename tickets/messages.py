"""What the ticket services say: every user-facing text of ``services.py``, in one place.
Fixed texts are lazy constants; texts with values are small functions. The msgids are those of
the catalogues in ``locale/``: change a text here and in both catalogues together."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REQUIRED = _("This field is required.")
UNKNOWN_CATEGORY = _("Unknown category.")
RESERVATION_NOT_YOURS = _("Choose one of your own bookings.")
NOT_THE_BOOKINGS_SEAT = _("This is not the seat of the chosen booking.")
UNKNOWN_STATUS = _("Unknown status.")
STAFF_ONLY = _("Only staff can change tickets.")


def too_long(n: int) -> str:
    return gettext("Use at most %(n)d characters.") % {"n": n}


def bad_transition(old: object, new: object) -> str:
    return gettext("A ticket cannot go from “%(old)s” to “%(new)s”.") % {"old": old, "new": new}
