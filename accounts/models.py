from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Email is the login: store it lower-cased so lookups and uniqueness agree.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_verified", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_verified = models.BooleanField(_("verified"), default=False)
    # Email confirmation is not staff verification: it says the owner of the address opened the
    # link sent there. Only a self-registration with a password starts unconfirmed (and cannot
    # log in until then); accounts made by staff, commands, Yandex ID (which verifies its
    # addresses) and every account older than this field are confirmed.
    email_confirmed = models.BooleanField(_("email confirmed"), default=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "self",
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    telegram_id = models.BigIntegerField(_("Telegram id"), null=True, blank=True, unique=True)
    telegram_username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True, max_length=255)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    # Channels the member wants notifications on (a channel also needs its address: the email
    # is always there, Telegram only once linked). Account emails (password reset, email
    # change) ignore these: they are the action the member just asked for.
    notify_email = models.BooleanField(_("notify by email"), default=True)
    notify_telegram = models.BooleanField(_("notify by Telegram"), default=True)
    # Opt-in, off by default: only then may other members and the kiosk see the first name.
    show_on_map = models.BooleanField(_("show my first name on the map"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = User.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def can_book(self) -> bool:
        return self.is_active and (self.is_verified or self.is_staff)


class LoginFailure(models.Model):
    """A failed password login. Counted per account and per client IP for the lockout."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.created_at:%Y-%m-%d %H:%M}"


class IdempotencyRecord(models.Model):
    """The first answer to a create sent with an ``Idempotency-Key`` (accounts/idempotency.py).

    Unique per member and key in the database, not only in the cache: the unique index is what
    makes two concurrent repeats create one row. Kept 24 h.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of method, path and the canonical body: the same key with another body is a 422.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"


class DefaultAvatar(models.Model):
    """The one avatar shown for members without their own (a singleton row, pk=1).

    Written only through accounts.avatar_services.default_avatar_set/remove, which validate and
    re-encode the image like a member's avatar; an empty image means the built-in picture.
    """

    SINGLETON_PK = 1

    image = models.ImageField(
        _("default avatar"), upload_to="avatars/default/", blank=True, max_length=255
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("default avatar")
        verbose_name_plural = _("default avatar")

    def __str__(self) -> str:
        return str(_("Default avatar"))
