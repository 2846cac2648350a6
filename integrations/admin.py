from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.models import Notification, TelegramLinkToken


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["user__email", "dedupe_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        # Rows come from events only; a hand-made row would have no event behind it.
        return False

    @admin.action(description=_("Send again now"))
    def retry(self, request, queryset) -> None:
        count = queryset.exclude(status=Notification.Status.SENT).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(n)d notifications queued again.") % {"n": count})


@admin.register(TelegramLinkToken)
class TelegramLinkTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "token_hash", "created_at", "expires_at", "used_at"]

    def has_add_permission(self, request) -> bool:
        return False


from integrations.kiosk import admin as kiosk_admin  # noqa: E402, F401
from integrations.webhooks import admin as webhooks_admin  # noqa: E402, F401
