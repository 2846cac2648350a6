from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts import services_credentials as credentials


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    notify_email = forms.BooleanField(label=_("Notifications by email"), required=False)
    notify_telegram = forms.BooleanField(
        label=_("Notifications in Telegram"),
        required=False,
        help_text=_("Once Telegram is linked below."),
    )

    show_on_map = forms.BooleanField(
        label=_("Show my first name on the map"),
        required=False,
        help_text=_("Colleagues and the lobby screen see your first name on the seat you booked."),
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Your password, to confirm"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.has_usable_password():
            del self.fields["password"]  # Yandex-only accounts: the session is the proof


class BookitPasswordResetForm(PasswordResetForm):
    """Django's form and page; the email goes through the outbox like every other one."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's arguments (templates, domain, token generator) are the outbox's business.
        credentials.password_reset_request(email=self.cleaned_data["email"])


class BookitSetPasswordForm(SetPasswordForm):
    """Django's form (it validates the password); saving also ends the other logins."""

    def save(self, commit: bool = True):
        return credentials.user_set_password(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class DeleteAccountForm(forms.Form):
    """Confirms deletion with the password, or with the email for accounts without one
    (members who only ever logged in with Yandex ID)."""

    password = forms.CharField(
        label=_("Your password, to confirm"), strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and not user.has_usable_password():
            del self.fields["password"]
            self.fields["confirm_email"] = forms.CharField(
                label=_("Type your email address to confirm"), max_length=254
            )

    def clean(self):
        data = super().clean()
        if self.user is None or self.errors:
            return data
        if "password" in self.fields and not self.user.check_password(data.get("password")):
            self.add_error("password", _("Wrong password."))
        if "confirm_email" in self.fields and (
            data.get("confirm_email", "").strip().lower() != self.user.email.lower()
        ):
            self.add_error("confirm_email", _("This is not your email address."))
        return data
