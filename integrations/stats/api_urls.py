"""``GET api/admin/stats``, included by bookit/api_urls.py."""

from django.urls import re_path

from integrations.stats import views

urlpatterns = [
    re_path(r"^admin/stats/?$", views.StatsAPIView.as_view(), name="admin-stats"),
]
