"""Account rules.

Invariants:
- email is the login and is unique case-insensitively (stored lower-cased, unique on lower()).
- only staff verify members; verification records who and when.
- registration does not reveal whether an email is taken: the same answer (``Registration``,
  with an id that is never the existing account's) and the same login behaviour (a
  self-registered account logs in only once the link emailed to the address is opened);
  both branches hash the password once.
- deleting an account cancels its future reservations, removes its avatar file and personal data,
  and keeps past reservations and tickets anonymised (their user becomes NULL).
- a client gets at most LOGIN_MAX_FAILURES_PER_ACCOUNT failed logins per account and
  LOGIN_MAX_FAILURES_PER_IP per address within LOGIN_FAILURE_WINDOW; the count lives in the
  database so the lockout holds while Redis is down, and it is checked before the password hasher.
"""

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import messages as msg
from accounts.models import LoginFailure, User
from accounts.signals import (
    account_event,
    member_verification_changed,
    member_verified,
    user_deleting,
)
from bookit.errors import DomainError, PermissionDenied, ValidationFailed

logger = logging.getLogger(__name__)


class TooManyAttempts(DomainError):
    status_code = 429


class AuthenticationFailed(DomainError):
    status_code = 401
    default_message = msg.INVALID_CREDENTIALS


@dataclass(frozen=True)
class Registration:
    """What a registration answers: the same fields whether or not the address was taken.

    ``id`` is the new account's id when the address was free; otherwise a fresh id reserved
    from the accounts' own sequence (``reserve_user_id``) that no account will ever have, so it
    is neither the existing account's nor distinguishable from a new one. ``user`` and
    ``created`` are for the caller's code, never for the answer.
    """

    id: int
    email: str
    first_name: str
    last_name: str
    user: User
    created: bool


def reserve_user_id() -> int:
    """Take the next id of the accounts' sequence without keeping a row.

    An insert and a delete in the caller's transaction: the id is consumed like a real
    registration's (PostgreSQL sequences and SQLite AUTOINCREMENT never hand it out again).
    """
    placeholder = User(
        email=f"reserved-{secrets.token_hex(12)}@reserved.invalid", is_active=False, password="!"
    )
    (row,) = User.objects.bulk_create([placeholder])
    User.objects.filter(pk=row.pk)._raw_delete(User.objects.db)
    return int(row.pk)


def user_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
) -> Registration:
    """Register; never says whether an email is already registered.

    A free address gets an unconfirmed account (no login until the link emailed there is
    opened, ``registration_confirm``). A taken one changes nothing the caller can see: the
    answer has the submitted names, ``is_verified`` false and a reserved id, and the login
    behaves the same (the submitted password does not log in either way). The owner of the
    address is emailed instead: "you already have an account" (confirmed), or a fresh
    confirmation link (an unconfirmed account takes the latest registration's password and
    names: it has never been used). Both branches validate and hash the password once.
    ``language`` (the one the member registered in) is the language of their emails.
    """
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    email = User.objects.normalize_email(email)
    first_name, last_name = first_name.strip(), last_name.strip()
    errors: dict[str, list[Any]] = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = [msg.INVALID_EMAIL]
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password or "", user=candidate)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    hashed = make_password(password)  # the one hashing, in both branches
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = User.objects.create(
                        email=email,
                        password=hashed,
                        first_name=first_name,
                        last_name=last_name,
                        language=language,
                        email_confirmed=False,
                    )
            except IntegrityError:  # a concurrent registration won the unique index
                existing = User.objects.select_for_update().get(email__iexact=email)
            else:
                account_event.send(User, user=user, event="registered")
                return Registration(user.pk, email, first_name, last_name, user, True)
        if not existing.email_confirmed and existing.is_active:
            existing.password = hashed
            existing.first_name, existing.last_name = first_name, last_name
            existing.language = language
            existing.save(update_fields=["password", "first_name", "last_name", "language"])
            account_event.send(User, user=existing, event="register_unconfirmed")
        else:
            account_event.send(User, user=existing, event="register_existing")
        reserved = reserve_user_id()
    return Registration(reserved, email, first_name, last_name, existing, False)


def user_confirm_email(*, user: User, drop_password: bool = False) -> User:
    """Mark the address as its owner's (they opened a link sent there, or Yandex ID vouches).

    The first confirmation of a self-registration tells staff a member waits for verification.
    ``drop_password``: the address was confirmed another way than by the registration's link
    (Yandex ID), so the password typed at the registration is nobody's proof: it goes.
    """
    if user.email_confirmed:
        return user
    with transaction.atomic():
        user.email_confirmed = True
        fields = ["email_confirmed"]
        if drop_password:
            user.set_unusable_password()
            fields.append("password")
        user.save(update_fields=fields)
        account_event.send(User, user=user, event="email_confirmed")
    return user


def user_update(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    language: str | None = None,
    notify_email: bool | None = None,
    notify_telegram: bool | None = None,
    show_on_map: bool | None = None,
) -> User:
    fields = []
    for name, flag in (("notify_email", notify_email), ("notify_telegram", notify_telegram)):
        if flag is not None:
            setattr(user, name, bool(flag))
            fields.append(name)
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None:
            setattr(user, name, value.strip())
            fields.append(name)
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationFailed.on("language", msg.UNKNOWN_LANGUAGE)
        user.language = language
        fields.append("language")
    if show_on_map is not None:
        user.show_on_map = bool(show_on_map)
        fields.append("show_on_map")
    if fields:
        user.save(update_fields=fields)
    return user


def require_staff(by: User | None) -> None:
    """The one staff check of services called by staff-only surfaces (API, admin, commands)."""
    if not (by is not None and by.is_authenticated and by.is_staff):
        raise PermissionDenied()


def user_verify(*, user: User, by: User, verified: bool = True) -> User:
    """Verify (or unverify) a member; the member is told (see accounts.signals).

    Two signals: ``member_verification_changed`` (the console's notices: verified, unverified,
    rejected) on any change, and ``member_verified`` (webhooks) once, when an unverified
    member becomes verified; both inside the change's transaction.
    """
    # verified_at, not is_verified: the admin form saves the flag before calling this.
    newly_verified = verified and (not user.is_verified or user.verified_at is None)
    changed = newly_verified or user.is_verified != verified
    user.is_verified = verified
    user.verified_at = timezone.now() if verified else None
    user.verified_by = by if verified else None
    with transaction.atomic():
        user.save(update_fields=["is_verified", "verified_at", "verified_by"])
        if changed:
            member_verification_changed.send(
                User, user=user, by=by, decision="verified" if verified else "unverified"
            )
        if newly_verified:
            account_event.send(User, user=user, event="verified")
            member_verified.send(User, user=user, by=by)
    return user


def user_reject(*, user: User, by: User) -> User:
    """Turn a registration down: the account is deactivated (staff may reactivate it later)
    and the member is told. Verified members and staff are not "rejected": unverify them."""
    if user.is_verified or user.is_staff:
        raise ValidationFailed.on("user", msg.ONLY_PENDING_REJECTED)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        member_verification_changed.send(User, user=user, by=by, decision="rejected")
    return user


def user_delete(*, user: User) -> None:
    """Delete the account; history stays, anonymised (FKs to the user are SET_NULL)."""
    avatar_names = [user.avatar.name] if user.avatar else []
    with transaction.atomic():
        user_deleting.send(User, user=user)
        user.delete()
    from accounts.avatars.images import avatar_delete_files

    transaction.on_commit(lambda: avatar_delete_files(avatar_names))


def user_calendar_token(*, user: User) -> str:
    if not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(24)
        user.save(update_fields=["calendar_token"])
    return user.calendar_token


def _serialize_login_attempts(keys: list[str]) -> None:
    """Make check-and-count atomic per account and per address.

    Without it, 16 concurrent attempts all counted the same 4 failures, all passed, and all
    reached the password hasher. On PostgreSQL a transaction-scoped advisory lock per key (sorted:
    no deadlocks) serializes them; on SQLite atomic() opens BEGIN IMMEDIATE, which already does.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def login_check_allowed(*, email: str, ip: str | None) -> LoginFailure:
    """Claim one attempt, or raise TooManyAttempts when the account or address is out of them.

    The attempt is recorded as a failure *before* the password is checked (and dropped again
    on success), so concurrent attempts count each other: at most the limit reach the hasher.
    """
    email = User.objects.normalize_email(email)[:254]
    since = timezone.now() - settings.LOGIN_FAILURE_WINDOW
    with transaction.atomic():
        _serialize_login_attempts([f"login:email:{email}"] + ([f"login:ip:{ip}"] if ip else []))
        recent = LoginFailure.objects.filter(created_at__gte=since)
        too_many = recent.filter(email=email).count() >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
        if not too_many and ip is not None:
            too_many = recent.filter(ip=ip).count() >= settings.LOGIN_MAX_FAILURES_PER_IP
        if not too_many:
            return LoginFailure.objects.create(email=email, ip=ip)
    minutes = int(settings.LOGIN_FAILURE_WINDOW.total_seconds() // 60)
    raise TooManyAttempts(msg.locked_out(minutes))


def login_authenticate(*, request: HttpRequest, email: str, password: str, ip: str | None) -> User:
    """The one password login, used by the API and the login page."""
    email = User.objects.normalize_email(email)
    login_check_allowed(email=email, ip=ip)
    user = authenticate(request, email=email, password=password)
    # An unconfirmed registration answers like a wrong password: otherwise registering an
    # address and logging in with the password just typed would tell a new address from a
    # taken one. The attempt stays counted as a failure.
    if user is None or not user.email_confirmed:
        raise AuthenticationFailed(msg.INVALID_CREDENTIALS)
    # Success: this attempt and the earlier failures of the account no longer count.
    LoginFailure.objects.filter(email=email).delete()
    return user


def client_ip(request: HttpRequest) -> str | None:
    """The client address; REMOTE_ADDR unless NUM_PROXIES trusted proxies are in front."""
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if isinstance(num_proxies, int) and num_proxies and forwarded:
        addrs = [a.strip() for a in forwarded.split(",")]
        return addrs[-min(num_proxies, len(addrs))]
    return request.META.get("REMOTE_ADDR")


def cleanup_expired_tokens() -> int:
    """Periodic: drop expired JWT records and login failures older than the lockout window."""
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    now = timezone.now()
    expired, _deleted = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    old, _deleted = LoginFailure.objects.filter(
        created_at__lt=now - settings.LOGIN_FAILURE_WINDOW
    ).delete()
    return expired + old
