from django.contrib.admin.apps import AdminConfig


class BookitAdminConfig(AdminConfig):
    """django.contrib.admin with BookIT's site (integrations.console.site) as admin.site."""

    default_site = "integrations.console.site.BookitAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every admin.py
        from django.contrib import admin

        admin.site.hide_internal_from_staff()
