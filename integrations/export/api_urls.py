from django.urls import re_path

from integrations.export import views

urlpatterns = [
    re_path(r"^user/me/export/?$", views.ExportView.as_view(), name="export"),
]
