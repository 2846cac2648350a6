"""Staff manage webhook endpoints and see (and retry) deliveries in the Django admin.

Every change goes through services.py, so the admin obeys the API's rules (SSRF guard, known
events); the secret is shown once, in the message after creating or rotating.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookit.forms import RequestFormMixin, ServiceModelForm
from integrations.webhooks import services
from integrations.webhooks.events import EVENT_TYPES
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(ServiceModelForm):
    url = forms.CharField(label=_("URL"), max_length=500)
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=list(EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def save_through_service(self, data: dict[str, Any]) -> WebhookEndpoint:
        values = {k: data.get(k) for k in ("url", "events", "is_active", "description")}
        if self.instance.pk:
            return services.webhook_endpoint_update(
                endpoint=self.instance, by=self.request.user, **values
            )
        return services.webhook_endpoint_create(by=self.request.user, **values)


def _show_secret(modeladmin, request, endpoint: WebhookEndpoint) -> None:
    modeladmin.message_user(
        request,
        format_html(
            "{} <code>{}</code>",
            _("Signing secret of %(url)s (copy it now, it is not shown again):")
            % {"url": endpoint.url},
            endpoint.secret,
        ),
        messages.WARNING,
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(RequestFormMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "is_active", "event_list", "created_at", "deliveries_link"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]
    readonly_fields = ["created_at", "created_by", "previous_secret_expires_at"]
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        """The service saved the endpoint in form.clean(); a new one shows its secret once."""
        if not change:
            _show_secret(self, request, form.instance)

    def delete_model(self, request, obj):
        services.webhook_endpoint_delete(endpoint=obj, by=request.user)

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:integrations_webhookdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">{}</a>', url, obj.pk, _("log"))

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request, queryset) -> None:
        for endpoint in queryset:
            rotated = services.webhook_endpoint_rotate_secret(endpoint=endpoint, by=request.user)
            _show_secret(self, request, rotated)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "response_status",
        "last_attempt_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["message_id", "endpoint__url"]
    list_select_related = ["endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False  # rows come from events only

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send again now"), permissions=["view"])
    def retry(self, request, queryset) -> None:
        for delivery in queryset:
            services.webhook_delivery_retry(delivery=delivery, by=request.user)
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": queryset.count()})
