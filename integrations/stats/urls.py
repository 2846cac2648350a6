"""Staff statistics pages, mounted at /staff/ by bookit/urls.py."""

from django.urls import re_path

from integrations.stats import views

app_name = "stats"

urlpatterns = [
    re_path(r"^stats/?$", views.stats_page, name="page"),
    re_path(r"^stats/export\.csv$", views.stats_export_csv, name="export"),
]
