from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts import services_credentials as credentials
from accounts.forms import (
    BookitPasswordResetForm,
    BookitSetPasswordForm,
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
)
from accounts.jwt import (
    delete_jwt_cookies,
    revoke_session_tokens,
    set_jwt_cookies,
    tokens_for_session,
)
from bookit.errors import DomainError
from bookit.forms import add_service_error
from bookit.throttling import ScopedRateThrottle


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _login_and_redirect(request, user, target: str):
    login(request, user, backend="accounts.backends.ModelBackend")
    translation.activate(user.language)
    response = redirect(target)
    # Pages use the session; the same login also serves the API from this browser.
    set_jwt_cookies(response, **tokens_for_session(request, user))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_authenticate(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=services.client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return _login_and_redirect(request, user, _next_url(request))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/login.html", {"form": form, "next": _next_url(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def register_view(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if account_email_throttled(request):
            form.add_error(None, _("Too many requests. Try again later."))
            return render(request, "accounts/register.html", {"form": form}, status=429)
        try:
            registration = services.user_register(
                **form.cleaned_data, language=translation.get_language()
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            # The same page whether the address was new or already registered (the owner of
            # an existing account gets an email instead), so the form cannot probe members.
            messages.success(
                request,
                _(
                    "Thank you! We sent a message to %(email)s: open the link in it to confirm "
                    "your address, then log in. Staff will verify your account before you can "
                    "book seats."
                )
                % {"email": registration.email},
            )
            login_url = reverse("accounts:login")
            return redirect(f"{login_url}?{urlencode({'email': registration.email})}")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def register_confirm_view(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open links change nothing."""
    error = None
    if request.method == "POST":
        try:
            user = credentials.registration_confirm(token=token)
        except DomainError as exc:
            error = next(iter(exc.errors.values()))[0] if exc.errors else exc.message
        else:
            if request.user.is_authenticated:
                return redirect("/")
            messages.success(request, _("Your email address is confirmed. You can log in now."))
            login_url = reverse("accounts:login")
            return redirect(f"{login_url}?{urlencode({'email': user.email})}")
    status = 400 if error else 200
    return render(request, "accounts/register_confirm.html", {"error": error}, status=status)


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "GET":
        return render(request, "accounts/logout.html")
    # Before logout() flushes the session that names the token.
    revoke_session_tokens(request)
    logout(request)
    messages.info(request, _("You have logged out."))
    return delete_jwt_cookies(redirect("accounts:login"))


def _profile_initial(user) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "notify_email": user.notify_email,
        "notify_telegram": user.notify_telegram,
        "show_on_map": user.show_on_map,
    }


def _render_profile(request, *, status: int = 200, **forms):
    user = request.user
    context = {
        "form": forms.get("form") or ProfileForm(initial=_profile_initial(user)),
        "delete_form": forms.get("delete_form") or DeleteAccountForm(user=user),
        "email_form": forms.get("email_form") or EmailChangeForm(user=user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial=_profile_initial(user))
    if request.method == "POST" and form.is_valid():
        services.user_update(user=user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Profile saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return _render_profile(request, form=form, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def delete_account_view(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.info(request, _("Your account has been deleted."))
        return delete_jwt_cookies(redirect("/"))
    return _render_profile(request, delete_form=form, status=400)


@login_required
@require_POST
def email_change_view(request):
    form = EmailChangeForm(request.POST, user=request.user)
    if form.is_valid():
        if account_email_throttled(request):
            form.add_error(None, _("Too many requests. Try again later."))
            return _render_profile(request, email_form=form, status=429)
        try:
            credentials.email_change_request(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("We sent a confirmation link to %(email)s. Your email changes when you open it.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:profile")
    return _render_profile(request, email_form=form, status=400)


@require_http_methods(["GET", "POST"])
def email_confirm_view(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open links change nothing."""
    error = None
    if request.method == "POST":
        try:
            user = credentials.email_change_confirm(token=token)
        except DomainError as exc:
            error = next(iter(exc.errors.values()))[0] if exc.errors else exc.message
        else:
            messages.success(request, _("Your email is now %(email)s.") % {"email": user.email})
            return redirect(
                "accounts:profile" if request.user.is_authenticated else "accounts:login"
            )
    status = 400 if error else 200
    return render(request, "accounts/email_confirm.html", {"error": error}, status=status)


class _AccountEmailScope:
    throttle_scope = "account_email"


def account_email_throttled(request) -> bool:
    """The API's per-IP budget for requests that send an email, shared with the pages."""
    return not ScopedRateThrottle().allow_request(request, _AccountEmailScope())


class PasswordResetPage(auth_views.PasswordResetView):
    form_class = BookitPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        if account_email_throttled(self.request):
            form.add_error(None, _("Too many requests. Try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDonePage(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmPage(auth_views.PasswordResetConfirmView):
    form_class = BookitSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompletePage(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
