from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrations.models import Notification, NotificationDelivery, TelegramLinkToken


class DeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind"]
    list_filter = ["kind", "deliveries__channel", "deliveries__status"]
    search_fields = ["user__email", "dedupe_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request) -> bool:
        # Rows come from events only; a hand-made row would have no event behind it.
        return False


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "notification",
        "user",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "notification__kind"]
    search_fields = ["notification__user__email", "notification__dedupe_key"]
    list_select_related = ["notification__user"]
    readonly_fields = [f.name for f in NotificationDelivery._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("member"))
    def user(self, obj: NotificationDelivery):
        return obj.notification.user

    @admin.action(description=_("Send again now"))
    def retry(self, request, queryset) -> None:
        count = queryset.exclude(status=NotificationDelivery.Status.SENT).update(
            status=NotificationDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
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
