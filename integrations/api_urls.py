from django.urls import re_path

from integrations import api_views

urlpatterns = [
    re_path(r"^user/me/export/?$", api_views.ExportView.as_view(), name="export"),
]
