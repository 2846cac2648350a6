from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import DeleteAccountForm, LoginForm, ProfileForm, RegisterForm
from accounts.jwt import (
    delete_jwt_cookies,
    revoke_session_tokens,
    set_jwt_cookies,
    tokens_for_session,
)
from bookit.errors import DomainError
from bookit.forms import add_service_error


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _login_and_redirect(request, user, target: str):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
    form = LoginForm(request.POST or None)
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
        try:
            user = services.user_register(**form.cleaned_data)
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Welcome! Staff will verify your account before you can book seats."),
            )
            return _login_and_redirect(request, user, "/")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "GET":
        return render(request, "accounts/logout.html")
    # Before logout() flushes the session that names the token.
    revoke_session_tokens(request)
    logout(request)
    messages.info(request, _("You have logged out."))
    return delete_jwt_cookies(redirect("accounts:login"))


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.user_update(user=user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Profile saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "delete_form": DeleteAccountForm(user=user)},
    )


@login_required
@require_POST
def delete_account_view(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.info(request, _("Your account has been deleted."))
        return delete_jwt_cookies(redirect("/"))
    profile = ProfileForm(
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "language": request.user.language,
        }
    )
    return render(
        request, "accounts/profile.html", {"form": profile, "delete_form": form}, status=400
    )
