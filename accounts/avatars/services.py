"""Avatar rules: a member's own avatar and the staff-set default.

Invariants:
- what is stored is always our own re-encoding (accounts.avatars.images.avatar_prepare) under a
  random name; the client's bytes and file name are never stored.
- a user has at most one avatar: replacing or removing it deletes the old files (every size),
  after the database change commits, so a rolled-back change never loses the picture in use.
- files are written before the database row points at them and removed again if the row update
  fails, so the row never points at a missing file.
- there is one default avatar (DefaultAvatar pk=1); an empty one means the built-in picture.
"""

from django.core.files import File
from django.db import transaction

from accounts.avatars.images import (
    PreparedAvatar,
    avatar_delete_files,
    avatar_prepare,
    avatar_store,
)
from accounts.models import DefaultAvatar, User


def _prepared(upload: File | PreparedAvatar) -> PreparedAvatar:
    return upload if isinstance(upload, PreparedAvatar) else avatar_prepare(upload=upload)


def avatar_set(*, user: User, upload: File | PreparedAvatar) -> User:
    """Validate, re-encode and store ``upload`` (a file or a PreparedAvatar) as the avatar."""
    prepared = _prepared(upload)
    new_name = avatar_store(prepared=prepared)
    try:
        with transaction.atomic():
            # Row lock: two uploads at once each delete exactly the file they replaced.
            locked = User.objects.select_for_update().only("pk", "avatar").get(pk=user.pk)
            old_name = locked.avatar.name if locked.avatar else ""
            User.objects.filter(pk=user.pk).update(avatar=new_name)
            transaction.on_commit(lambda: avatar_delete_files([old_name]))
    except BaseException:
        avatar_delete_files([new_name])
        raise
    user.avatar.name = new_name
    return user


def avatar_remove(*, user: User) -> User:
    """Back to the default avatar; the member's files are deleted."""
    with transaction.atomic():
        locked = User.objects.select_for_update().only("pk", "avatar").get(pk=user.pk)
        old_name = locked.avatar.name if locked.avatar else ""
        if old_name:
            User.objects.filter(pk=user.pk).update(avatar="")
            transaction.on_commit(lambda: avatar_delete_files([old_name]))
    user.avatar.name = ""
    return user


def _default_row_locked() -> DefaultAvatar:
    row, _created = DefaultAvatar.objects.select_for_update().get_or_create(
        pk=DefaultAvatar.SINGLETON_PK
    )
    return row


def default_avatar_set(*, upload: File | PreparedAvatar, by: User | None) -> DefaultAvatar:
    """Set the avatar every member without their own gets (staff only; checked by callers)."""
    prepared = _prepared(upload)
    new_name = avatar_store(prepared=prepared, prefix="avatars/default/")
    try:
        with transaction.atomic():
            row = _default_row_locked()
            old_name = row.image.name if row.image else ""
            row.image.name = new_name
            row.updated_by = by
            row.save()
            transaction.on_commit(lambda: avatar_delete_files([old_name]))
    except BaseException:
        avatar_delete_files([new_name])
        raise
    return row


def default_avatar_remove(*, by: User | None) -> DefaultAvatar:
    """Back to the built-in picture."""
    with transaction.atomic():
        row = _default_row_locked()
        old_name = row.image.name if row.image else ""
        row.image.name = ""
        row.updated_by = by
        row.save()
        if old_name:
            transaction.on_commit(lambda: avatar_delete_files([old_name]))
    return row
