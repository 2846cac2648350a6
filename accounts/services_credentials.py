"""Password reset and email change: the two ways into an account by a link sent by email.

Invariants:
- asking for a reset never reveals whether the email has an account: the caller always gets
  the same answer, and only the owner of a registered address receives a message.
- a reset link is Django's token (valid for PASSWORD_RESET_TIMEOUT, once: it is bound to the
  password hash and the last login) and is made when the email is sent, so no link is stored.
- a new password ends every other login: the session hash changes (Django) and every refresh
  token of the member is blacklisted (the API).
- a self-registration is confirmed by the owner of the address: the registration's signed link
  (REGISTRATION_CONFIRM_MAX_AGE), a password reset link (it went to the same mailbox), or
  Yandex ID (accounts.services.user_confirm_email).
- an email changes only when the owner of the new address opens the link sent there; the
  link is signed, expires after EMAIL_CHANGE_MAX_AGE, and dies once the email has changed.
"""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts import messages as msg
from accounts.models import LoginFailure, User
from accounts.services import user_confirm_email
from accounts.signals import account_event
from bookit.errors import ValidationFailed

EMAIL_CHANGE_SALT = "bookit.email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600
REGISTRATION_CONFIRM_SALT = "bookit.registration-confirm"
REGISTRATION_CONFIRM_MAX_AGE = 72 * 3600


# --- Password reset ------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Send a reset link to ``email`` if an active account has it; silent either way."""
    user = User.objects.filter(
        email__iexact=User.objects.normalize_email(email), is_active=True
    ).first()
    if user is not None:
        # Members who only ever used Yandex ID have no password yet: the link sets one.
        account_event.send(User, user=user, event="password_reset")


def password_reset_path(*, user: User) -> str:
    return reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def password_reset_user(*, uid: str, token: str) -> User:
    """The member a reset link belongs to; ValidationFailed on ``token`` when it is not good."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationFailed.on("token", msg.RESET_LINK_INVALID)
    return user


def user_set_password(*, user: User, password: str) -> User:
    """Set a new password (validated) and end the member's other logins."""
    try:
        validate_password(password or "", user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(exc.messages[0], errors={"new_password": exc.messages}) from None
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        # Only reset links reach here, and they went to the account's address: that confirms it.
        user_confirm_email(user=user)
        outstanding = OutstandingToken.objects.filter(user=user).exclude(
            blacklistedtoken__isnull=False
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
        LoginFailure.objects.filter(email=user.email).delete()
    return user


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    user = password_reset_user(uid=uid, token=token)
    return user_set_password(user=user, password=new_password)


# --- Registration ---------------------------------------------------------------------------


def registration_confirm_path(*, user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=REGISTRATION_CONFIRM_SALT)
    return reverse("accounts:register-confirm", kwargs={"token": token})


def registration_confirm(*, token: str) -> User:
    """Confirm a self-registration from its emailed link; opening it again changes nothing."""
    invalid = ValidationFailed.on("token", msg.REGISTRATION_LINK_INVALID)
    try:
        data = signing.loads(
            token, salt=REGISTRATION_CONFIRM_SALT, max_age=REGISTRATION_CONFIRM_MAX_AGE
        )
    except signing.BadSignature:
        raise invalid from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
        if user is None or user.email != data["e"]:  # deleted, deactivated or moved on
            raise invalid
        return user_confirm_email(user=user)


# --- Email change --------------------------------------------------------------------------


def email_change_request(*, user: User, email: str, password: str | None = None) -> None:
    """Send a confirmation link to the new address; the account changes when it is opened.

    The answer is the same whether or not the new address belongs to another account (that is
    found out only by whoever opens the link in that mailbox).
    """
    email = User.objects.normalize_email(email)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed.on("email", msg.INVALID_EMAIL) from None
    if email == user.email:
        raise ValidationFailed.on("email", msg.SAME_EMAIL)
    if user.has_usable_password() and not user.check_password(password or ""):
        raise ValidationFailed.on("password", msg.WRONG_PASSWORD)
    account_event.send(User, user=user, event="email_change", data={"email": email})


def email_change_path(*, user: User, email: str) -> str:
    token = signing.dumps({"u": user.pk, "o": user.email, "e": email}, salt=EMAIL_CHANGE_SALT)
    return reverse("accounts:email-confirm", kwargs={"token": token})


def email_change_confirm(*, token: str) -> User:
    invalid = ValidationFailed.on("token", msg.CONFIRM_LINK_INVALID)
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    taken = ValidationFailed.on("email", msg.EMAIL_TAKEN)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
            # The link dies once the email has changed (to this address or any other).
            if user is None or user.email != data["o"]:
                raise invalid
            if User.objects.filter(email__iexact=data["e"]).exclude(pk=user.pk).exists():
                raise taken
            old_email, user.email = user.email, data["e"]
            user.save(update_fields=["email"])
            account_event.send(
                User, user=user, event="email_changed", data={"old_email": old_email}
            )
    except IntegrityError:  # the address was taken between the check and the update
        raise taken from None
    return user
