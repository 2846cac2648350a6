"""What the webhook services say: every user-facing text of ``services.py`` and ``urlguard.py``,
in one place. Fixed texts are lazy constants; texts with values are small functions. The msgids
are those of the catalogues in ``locale/``: change a text here and in both catalogues together."""

from collections.abc import Iterable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Endpoints (services._clean_events, services._clean_url)
NO_EVENTS = _("Choose at least one event.")


def unknown_events(names: Iterable[object]) -> str:
    return gettext("Unknown event: %(name)s.") % {"name": ", ".join(map(str, names))}


def url_too_long(n: int) -> str:
    return gettext("Use at most %(n)d characters.") % {"n": n}


# The SSRF guard (urlguard.py), at save time and before each delivery
INVALID_URL = _("Enter a valid URL.")
NOT_HTTP = _("Use an http:// or https:// URL.")
CREDENTIALS_IN_URL = _("Credentials in the URL are not allowed; use the signing secret.")
HOST_DOES_NOT_RESOLVE = _("The host name of this URL does not resolve.")


def private_address(address: str) -> str:
    return gettext(
        "This URL points at a private, loopback or link-local address "
        "(%(address)s), which webhooks may not call."
    ) % {"address": address}
