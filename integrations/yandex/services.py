"""Housekeeping for the Yandex ID login.

Every press of the button stores the OAuth ``state`` as a row of social-auth's Nonce table
(social-core 7 keeps it there to refuse a replayed state). Rows are never needed after the state
lifetime (30 minutes by default), but nothing deletes them, so anonymous button presses would
grow the table forever. The scheduler runs ``oauth_state_cleanup`` to bound it.
"""

import time

from social_core.backends.oauth import BaseOAuth2
from social_django.models import Nonce

# A day of slack over the state lifetime: never races a login in progress.
KEEP_SECONDS = BaseOAuth2.STATE_LIFETIME + 24 * 3600


def oauth_state_cleanup(*, keep_seconds: int = KEEP_SECONDS, now: float | None = None) -> int:
    """Delete stored OAuth states older than ``keep_seconds``; return how many went."""
    cutoff = int((time.time() if now is None else now) - keep_seconds)
    deleted, _ = Nonce.objects.filter(timestamp__lt=cutoff).delete()
    return deleted
