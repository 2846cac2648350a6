"""Avatar files in the default storage (local files, or S3/MinIO when configured)."""

import logging

from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


def avatar_delete_files(names: list[str]) -> None:
    """Delete stored avatar files; a missing file or a storage outage never fails the caller."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except Exception:  # storage outages must not undo an account deletion
            logger.exception("Could not delete avatar file %s", name)


def avatar_url(user, *, request=None) -> str:
    """The member's avatar URL, or the default one; absolute when a request is given."""
    url = ""
    if user.avatar:
        try:
            url = user.avatar.url
        except Exception:  # a misconfigured storage must not break the profile
            logger.exception("Could not build the avatar URL for user %s", user.pk)
    if not url:
        from django.templatetags.static import static

        url = static("img/default-avatar.svg")
    if request is not None and url.startswith("/"):
        url = request.build_absolute_uri(url)
    return url
