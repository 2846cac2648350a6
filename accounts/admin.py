from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.avatars import services as avatar_services
from accounts.avatars.images import avatar_prepare, default_avatar_info
from accounts.models import DefaultAvatar, LoginFailure, User
from bookit.errors import DomainError


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "email_confirmed",
        "is_verified",
        "is_staff",
        "date_joined",
        "links",
    ]
    list_filter = ["email_confirmed", "is_verified", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    # Avatars only change through the avatar service (validated, re-encoded); staff may remove.
    readonly_fields = [
        "avatar",
        "verified_at",
        "verified_by",
        "last_login",
        "date_joined",
        "telegram_id",
        "telegram_username",
    ]
    actions = ["verify_selected", "unverify_selected", "remove_avatars"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "avatar", "language"]}),
        (
            _("Verification"),
            {
                "fields": ["email_confirmed", "is_verified", "verified_at", "verified_by"],
                "description": _(
                    "Email confirmed: the member opened the link sent to the address (or logged "
                    "in with Yandex ID); until then the account cannot log in. Verification is "
                    "the staff's own decision."
                ),
            },
        ),
        (_("Telegram"), {"fields": ["telegram_id", "telegram_username"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("History"))
    def links(self, obj: User):
        try:
            reservations = reverse("admin:reservations_reservation_changelist")
            tickets = reverse("admin:tickets_ticket_changelist")
        except NoReverseMatch:
            return ""
        return format_html(
            '<a href="{}?user__id__exact={}">{}</a> · <a href="{}?author__id__exact={}">{}</a>',
            reservations,
            obj.pk,
            _("reservations"),
            tickets,
            obj.pk,
            _("tickets"),
        )

    def save_model(self, request, obj, form, change):
        # Verification goes through the service so who/when are always recorded.
        if change and "is_verified" in form.changed_data:
            # Save the rest with the old value, so the service sees (and announces) the change.
            wanted, obj.is_verified = obj.is_verified, form.initial["is_verified"]
            super().save_model(request, obj, form, change)
            services.user_verify(user=obj, by=request.user, verified=wanted)
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        # Through the service: future bookings are cancelled (they would keep holding seats with
        # user = NULL) and the avatar files are removed.
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action too, one member at a time through the same service.
        for user in queryset:
            services.user_delete(user=user)

    @admin.action(description=_("Remove the avatar of selected members"))
    def remove_avatars(self, request, queryset):
        count = 0
        for user in queryset.exclude(avatar=""):
            try:
                avatar_services.avatar_remove(user=user)
                count += 1
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)d avatar removed.", "%(n)d avatars removed.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Verify selected members"))
    def verify_selected(self, request, queryset):
        count = 0
        for user in queryset.filter(is_verified=False):
            services.user_verify(user=user, by=request.user, verified=True)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d member verified.", "%(n)d members verified.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unverify selected members"))
    def unverify_selected(self, request, queryset):
        count = 0
        for user in queryset.filter(is_verified=True):
            services.user_verify(user=user, by=request.user, verified=False)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d member unverified.", "%(n)d members unverified.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "ip", "created_at"]
    search_fields = ["email", "ip"]
    list_filter = ["created_at"]


class DefaultAvatarForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("New picture"),
        required=False,
        help_text=_("PNG, JPEG or WEBP; cropped to a square and re-encoded."),
    )
    remove = forms.BooleanField(label=_("Use the built-in picture"), required=False)

    class Meta:
        model = DefaultAvatar
        fields: list[str] = []

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        self.prepared = None
        if upload:
            # The same validation and re-encoding as every other avatar upload.
            try:
                self.prepared = avatar_prepare(upload=upload)
            except DomainError as exc:
                raise forms.ValidationError(
                    [str(m) for m in exc.errors.get("avatar", [exc.message])]
                ) from None
        return upload


@admin.register(DefaultAvatar)
class DefaultAvatarAdmin(admin.ModelAdmin):
    """A singleton: the list opens the one row; writes go through avatar_services."""

    form = DefaultAvatarForm
    fields = ["preview", "upload", "remove", "updated_at", "updated_by"]
    readonly_fields = ["preview", "updated_at", "updated_by"]

    @admin.display(description=_("Current picture"))
    def preview(self, obj: DefaultAvatar):
        return format_html(
            '<img src="{}" width="128" height="128" alt="">', default_avatar_info()["avatar_url"]
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        row, _created = DefaultAvatar.objects.get_or_create(pk=DefaultAvatar.SINGLETON_PK)
        return HttpResponseRedirect(reverse("admin:accounts_defaultavatar_change", args=[row.pk]))

    def save_model(self, request, obj, form, change):
        try:
            if form.prepared is not None:
                row = avatar_services.default_avatar_set(upload=form.prepared, by=request.user)
            elif form.cleaned_data.get("remove"):
                row = avatar_services.default_avatar_remove(by=request.user)
            else:
                return
        except DomainError as exc:  # storage down: say so instead of a 500
            request._default_avatar_failed = True
            self.message_user(request, str(exc.message), messages.ERROR)
            return
        obj.image, obj.updated_by, obj.updated_at = row.image, row.updated_by, row.updated_at

    def response_change(self, request, obj):
        if getattr(request, "_default_avatar_failed", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
