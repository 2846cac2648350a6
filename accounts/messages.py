"""What the account services say: every user-facing text of ``services.py`` and
``services_credentials.py``, in one place. Fixed texts are lazy constants; texts with values
are small functions. The msgids are those of the catalogues in ``locale/``: change a text here
and in both catalogues together."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

INVALID_EMAIL = _("Enter a valid email address.")
UNKNOWN_LANGUAGE = _("Unknown language.")
ONLY_PENDING_REJECTED = _("Only a member waiting for verification can be rejected.")
INVALID_CREDENTIALS = _("Invalid email or password.")
RESET_LINK_INVALID = _("This password reset link is invalid or has expired. Ask for a new one.")
SAME_EMAIL = _("This is already your email address.")
WRONG_PASSWORD = _("Wrong password.")
CONFIRM_LINK_INVALID = _("This confirmation link is invalid or has expired. Ask for a new one.")
EMAIL_TAKEN = _("This email address is used by another account.")
REGISTRATION_LINK_INVALID = _(
    "This confirmation link is invalid or has expired. Register again with the same email "
    "address to get a new one."
)


def locked_out(minutes: int) -> str:
    return gettext("Too many failed login attempts. Try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }
