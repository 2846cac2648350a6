"""The staff console for tickets. Every status change goes through tickets.services, so the
history, resolved_at and the notification hook are the same as for the API."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookit.errors import DomainError
from bookit.forms import add_service_error
from tickets import services
from tickets.models import Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "old_status", "new_status", "comment"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class TicketAdminForm(forms.ModelForm):
    comment = forms.CharField(
        label=_("Comment for this change"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the member and kept in the history."),
    )

    class Meta:
        model = Ticket
        fields = ["status"]

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("status")
        if self.instance.pk and new and "status" in self.changed_data:
            # Ask the service so the form shows the same rule the save will apply.
            try:
                services.ticket_check_transition(old=self.initial["status"], new=new)
            except DomainError as exc:
                add_service_error(self, exc)
        return cleaned


def _status_action(status: str, description):
    def action(modeladmin, request, queryset):
        done, failed = 0, []
        for ticket in queryset:
            try:
                services.ticket_set_status(ticket=ticket, status=status, by=request.user)
            except DomainError as exc:
                failed.append(f"#{ticket.pk}: {exc.message}")
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(n)d ticket updated.", "%(n)d tickets updated.", done) % {"n": done},
                messages.SUCCESS,
            )
        for message in failed:
            modeladmin.message_user(request, message, messages.WARNING)

    action.__name__ = f"mark_{status}"
    return admin.action(description=description)(action)


class AgeFilter(admin.SimpleListFilter):
    """How long a ticket has waited: what a manager sorts the morning's work by."""

    title = _("age")
    parameter_name = "age"
    AGES = {"1d": 1, "3d": 3, "7d": 7, "30d": 30}

    def lookups(self, request, model_admin):
        return [
            (key, ngettext("older than %(n)d day", "older than %(n)d days", n) % {"n": n})
            for key, n in self.AGES.items()
        ]

    def queryset(self, request, queryset):
        days = self.AGES.get(self.value() or "")
        if days is None:
            return queryset
        return queryset.filter(created_at__lte=timezone.now() - dt.timedelta(days=days))


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["id", "subject", "author", "category", "status", "seat", "created_at"]
    list_display_links = ["id", "subject"]
    list_filter = ["status", AgeFilter, "category", "created_at", "seat__floor"]
    search_fields = ["subject", "text", "author__email", "author__last_name", "seat__label"]
    list_select_related = ["author", "seat__floor"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    inlines = [TicketEventInline]
    actions = [
        _status_action(Ticket.Status.IN_PROGRESS, _("Mark in progress")),
        _status_action(Ticket.Status.RESOLVED, _("Mark resolved")),
        _status_action(Ticket.Status.REJECTED, _("Mark rejected")),
        _status_action(Ticket.Status.OPEN, _("Reopen")),
    ]
    readonly_fields = [
        "author",
        "category",
        "seat",
        "reservation",
        "subject",
        "text",
        "staff_comment",
        "created_at",
        "updated_at",
        "resolved_at",
        "allowed_next",
    ]
    fieldsets = [
        (None, {"fields": ["subject", "text", "category", "author", "seat", "reservation"]}),
        (_("Handling"), {"fields": ["status", "allowed_next", "comment", "staff_comment"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at", "resolved_at"]}),
    ]

    @admin.display(description=_("Allowed next statuses"))
    def allowed_next(self, obj: Ticket):
        allowed = services.ALLOWED_TRANSITIONS.get(obj.status, ())
        labels = [Ticket.Status(s).label for s in Ticket.Status.values if s in allowed]
        return format_html_join(", ", "{}", ((label,) for label in labels)) or "—"

    def has_add_permission(self, request) -> bool:
        # Tickets are filed by members (pages, API, bot); staff handle them here.
        return False

    def save_model(self, request, obj, form, change):
        comment = form.cleaned_data.get("comment", "")
        try:
            if "status" in form.changed_data:
                services.ticket_set_status(
                    ticket=obj, status=form.cleaned_data["status"], comment=comment, by=request.user
                )
            elif comment:
                services.ticket_comment(ticket=obj, comment=comment, by=request.user)
        except DomainError as exc:
            # Only a concurrent change can get here (the form already checked the move).
            obj.refresh_from_db()
            self.message_user(request, str(exc.message), messages.ERROR)
