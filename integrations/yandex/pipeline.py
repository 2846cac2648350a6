"""Our steps in the social-auth pipeline (see SOCIAL_AUTH_PIPELINE in bookit/settings.py).

Invariants:
- a Yandex identity maps to exactly one local account (UserSocialAuth, provider "yandex").
- the email is the login: it is stored lower-cased and never empty, so a Yandex profile without
  an email cannot create or find an account.
- an unlinked Yandex identity is linked to the existing account with the same email
  (case-insensitively) instead of creating a duplicate. That is only safe because Yandex ID
  verifies the addresses it hands out (the default mailbox and confirmed extra addresses); do not
  reuse this step for a provider that lets users claim unverified emails.
- an unconfirmed self-registration with the same email becomes confirmed (Yandex verified the
  address) and loses the password typed at the registration.
- a new account made from Yandex is unverified: staff verify it like any other registration.
- a deactivated account never logs in through Yandex.
"""

from typing import Any

from social_core.backends.base import BaseAuth

from accounts.models import User
from accounts.services import user_confirm_email
from accounts.signals import account_event
from integrations.yandex.errors import AccountDisabled, EmailMissing


def normalize_email(*, details: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Lower-case and trim the email like accounts.UserManager does."""
    return {"details": {**details, "email": User.objects.normalize_email(details.get("email"))}}


def require_email(
    *, backend: BaseAuth, details: dict[str, Any], user: User | None = None, **kwargs: Any
) -> None:
    """Refuse a profile without an email when we would need it to find or create the account.

    An identity that is already linked (``user`` set by ``social_user``) logs in by its Yandex uid,
    so a later change of the Yandex profile does not lock its owner out.
    """
    if user is None and not details.get("email"):
        raise EmailMissing(backend, claim="default_email", stage="pipeline")


def associate_by_email(
    *, details: dict[str, Any], user: User | None = None, **kwargs: Any
) -> dict[str, Any] | None:
    """Link to the account with the same email (safe only because Yandex verifies emails).

    Unlike social-core's own step this also finds inactive accounts, so the next step can refuse
    them with a clear message instead of failing on the unique email index in ``create_user``.
    """
    if user is not None:
        return None
    existing = User.objects.filter(email__iexact=details["email"]).first()
    if existing is None:
        return None
    if not existing.email_confirmed and existing.is_active:
        # A registration nobody confirmed: Yandex ID proves the mailbox, not the password
        # typed there (perhaps by someone else), so the password goes (a reset sets one).
        user_confirm_email(user=existing, drop_password=True)
    return {"user": existing, "is_new": False}


def reject_inactive(*, backend: BaseAuth, user: User | None = None, **kwargs: Any) -> None:
    if user is not None and not user.is_active:
        raise AccountDisabled(backend, stage="pipeline")


def announce_new_member(*, user: User | None = None, is_new: bool = False, **kwargs: Any) -> None:
    """A first login with Yandex ID created the account: staff hear that a member waits for
    verification, as after a registration with a password (no welcome email: they are in)."""
    if user is not None and is_new:
        account_event.send(User, user=user, event="registered", data={"via": "yandex"})
