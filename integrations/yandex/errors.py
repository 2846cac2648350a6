"""Yandex ID failures and the message a member sees for each of them.

social-core raises its own exception families with fixed English texts; the member gets one of
the translated sentences below instead, chosen by family and code, on the login page.
"""

from django.utils.translation import gettext as _
from social_core.exceptions import (
    AuthAssociationError,
    AuthCanceled,
    AuthConfigurationError,
    AuthCredentialError,
    AuthInputError,
    AuthPolicyError,
    AuthProviderError,
    AuthResponseError,
    AuthSessionError,
    SocialAuthBaseException,
)


class EmailMissing(AuthResponseError):
    """Yandex shared no email address; the email is our login, so we cannot go on."""

    default_code = "profile_email_missing"


class AccountDisabled(AuthPolicyError):
    """The local account exists but is deactivated."""

    default_code = "authentication_disallowed"


def user_message(exc: SocialAuthBaseException) -> str:
    """The translated sentence for the login page."""
    if isinstance(exc, EmailMissing):
        return _(
            "Yandex ID did not share an email address. Allow access to your email address "
            "in Yandex ID and try again, or register with a password."
        )
    if isinstance(exc, AccountDisabled):
        return _("This account is disabled. Please contact the coworking staff.")
    if isinstance(exc, AuthCanceled):
        return _("Login with Yandex ID was cancelled.")
    if isinstance(exc, AuthSessionError) or (
        isinstance(exc, AuthInputError) and exc.parameter == "state"
    ):
        return _(
            "The login with Yandex ID expired or was started in another browser. Please try again."
        )
    if isinstance(exc, AuthAssociationError) and exc.code == "identity_in_use":
        return _("This Yandex ID is already linked to another account.")
    if isinstance(exc, AuthConfigurationError):
        return _("Login with Yandex ID is not configured correctly. Please contact the staff.")
    if isinstance(exc, AuthProviderError):
        return _("Yandex ID is not reachable right now. Please try again later.")
    if isinstance(exc, AuthCredentialError):
        return _("Yandex ID did not accept the login. Please try again.")
    return _("Could not log in with Yandex ID. Please try again.")
