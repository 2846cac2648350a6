from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
