"""BookIT's admin site: the built-in admin, branded, with a dashboard for today as its index.

Internal models (OAuth nonces and associations, JWT tokens, login failures, Telegram link
tokens) are bookkeeping, not a manager's work: ordinary staff do not see them at all;
superusers find them under one "Security" section.
"""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.models import User
from bookit.errors import DomainError
from integrations.console.selectors import dashboard

# (app_label, object_name) of the bookkeeping models.
INTERNAL = {
    ("social_django", "Association"),
    ("social_django", "Nonce"),
    ("social_django", "UserSocialAuth"),
    ("token_blacklist", "BlacklistedToken"),
    ("token_blacklist", "OutstandingToken"),
    ("accounts", "LoginFailure"),
    ("integrations", "TelegramLinkToken"),
}


def member_name(user: User | None) -> str:
    """How admin messages name a member: "Maria Member <maria@example.com>"."""
    if user is None:
        return _("a deleted member")
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


class BookitAdminSite(admin.AdminSite):
    site_header = gettext_lazy("BookIT staff console")
    site_title = gettext_lazy("BookIT")
    index_title = gettext_lazy("Today")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        security = []
        for app in apps:
            internal = [
                m for m in app["models"] if (app["app_label"], m["object_name"]) in INTERNAL
            ]
            app["models"] = [m for m in app["models"] if m not in internal]
            security += internal
        apps = [a for a in apps if a["models"]]
        if security and request.user.is_superuser and app_label is None:
            apps.append(
                {
                    "name": _("Security"),
                    "app_label": "security",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": sorted(security, key=lambda m: str(m["name"])),
                }
            )
        return apps

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        context = {"dashboard": dashboard(), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def get_urls(self):
        urls = [
            path(
                "console/members/<int:pk>/<str:decision>/",
                self.admin_view(require_POST(self.member_decision)),
                name="console-member-decision",
            ),
        ]
        return urls + super().get_urls()

    def member_decision(self, request: HttpRequest, pk: int, decision: str):
        """One click on the dashboard: verify or reject a waiting member (they are told)."""
        user = get_object_or_404(User, pk=pk)
        staff = request.user
        if not isinstance(staff, User) or not staff.has_perm("accounts.change_user"):
            messages.error(request, _("You are not allowed to do this."))
        elif decision == "verify":
            account_services.user_verify(user=user, by=staff, verified=True)
            messages.success(request, _("%(member)s is verified.") % {"member": member_name(user)})
        elif decision == "reject":
            try:
                account_services.user_reject(user=user, by=staff)
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("The registration of %(member)s is declined; the account is deactivated.")
                    % {"member": member_name(user)},
                )
        else:
            messages.error(request, _("Unknown decision."))
        return HttpResponseRedirect(reverse("admin:index"))

    def hide_internal_from_staff(self) -> None:
        """Internal models answer only superusers, also by direct URL."""
        for model, model_admin in self._registry.items():
            if (model._meta.app_label, model._meta.object_name) not in INTERNAL:
                continue
            for name in ("has_module_permission", "has_view_permission", "has_change_permission"):
                original = getattr(model_admin, name)

                def guarded(request, *args, _original=original, **kwargs):
                    return request.user.is_superuser and _original(request, *args, **kwargs)

                setattr(model_admin, name, guarded)
