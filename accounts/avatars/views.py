"""Profile page avatar forms (upload, remove). Rules live in accounts.avatars.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.avatars import services as avatar_services
from accounts.avatars.api import AvatarUploadThrottle
from accounts.avatars.images import TooManyUploads, install_upload_limit, too_large_error
from accounts.forms import DeleteAccountForm, ProfileForm
from bookit.errors import DomainError


def _profile_with_error(request, exc: DomainError):
    """The profile page again, with the avatar error shown by its upload form."""
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    profile = ProfileForm(initial={**initial, "language": user.language})
    errors = exc.errors.get("avatar") or [exc.message]
    context = {
        "form": profile,
        "delete_form": DeleteAccountForm(),
        "avatar_errors": [str(message) for message in errors],
    }
    return render(request, "accounts/profile.html", context, status=exc.status_code)


# The CSRF check reads request.POST, which parses the body; the size limit must be installed
# first, so CSRF is checked by the inner view, right after installing it (Django docs,
# "Modifying upload handlers on the fly").
@csrf_exempt
@login_required
@require_POST
def avatar_upload_view(request):
    limit = install_upload_limit(request)
    return _avatar_upload(request, limit)


@csrf_protect
def _avatar_upload(request, limit):
    upload = request.FILES.get("avatar")
    try:
        if not AvatarUploadThrottle().allow_request(request, None):
            message = _("Too many uploads. Please try again later.")
            raise TooManyUploads(message, errors={"avatar": [message]})
        if upload is None and limit.too_large:
            raise too_large_error()
        avatar_services.avatar_set(user=request.user, upload=upload)
    except DomainError as exc:
        return _profile_with_error(request, exc)
    messages.success(request, _("Avatar updated."))
    return redirect("accounts:profile")


@login_required
@require_POST
def avatar_remove_view(request):
    avatar_services.avatar_remove(user=request.user)
    messages.success(request, _("Avatar removed."))
    return redirect("accounts:profile")
