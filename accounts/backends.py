"""The session's user, read with a statement built once (bookit.rows).

Django loads a logged-in page's user through the backend that logged them in
(``backend.get_user(pk)``): for ``ModelBackend`` a queryset compiled on every request, about a
twentieth of the floor map page's CPU (issue 15). The same row, the same instance and the same
answer (an active user or None) come from ``bookit.rows``' statement.
"""

from django.contrib.auth import backends

from bookit import rows


def active_user(user_id: int | str | None):
    """The active user with this primary key, else None (what both of our login backends'
    ``get_user`` answered: ``ModelBackend`` and social-auth's storage skip inactive users)."""
    from accounts.models import User

    try:
        pk = int(user_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    user = rows.get_by_pk(User, pk)
    return user if user is not None and user.is_active else None


class ModelBackend(backends.ModelBackend):
    """Django's email + password backend; the session's user read by ``active_user``."""

    def get_user(self, user_id):
        return active_user(user_id)
