from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from integrations.kiosk import services
from integrations.kiosk.models import Kiosk


class KioskForm(forms.ModelForm):
    class Meta:
        model = Kiosk
        fields = ["floor", "name"]


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    form = KioskForm
    list_display = ["name", "floor", "link", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["floor", ("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["link", "created_at", "created_by", "last_seen_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("floor")  # a link on the wall shows one floor for life
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        created = services.kiosk_create(floor=obj.floor, name=obj.name, by=request.user)
        obj.pk, obj.token, obj.created_by = created.pk, created.token, created.created_by

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row stays as a record of the link

    @admin.display(description=_("link"))
    def link(self, obj: Kiosk) -> str:
        if not obj.pk or obj.revoked_at:
            return "—"
        url = services.kiosk_url(obj)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.action(description=_("Revoke the link (the screen shows 404)"))
    def revoke(self, request, queryset) -> None:
        now = timezone.now()
        for kiosk in queryset:
            services.kiosk_revoke(kiosk=kiosk, by=request.user, now=now)
        self.message_user(request, _("%(n)d kiosks revoked.") % {"n": queryset.count()})
