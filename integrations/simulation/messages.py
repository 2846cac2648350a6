"""What the demo-activity services say: every user-facing text of ``services.py``, in one
place. Fixed texts are lazy constants; texts with values are small functions. The msgids are
those of the catalogues in ``locale/``: change a text here and in both catalogues together."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DISABLED = _("Demo activity is off on this server (SIMULATION_ENABLED).")


def bad_rate(max_rate: float) -> str:
    return gettext("Choose a rate above 0 and at most %(n)d events per minute.") % {"n": max_rate}
