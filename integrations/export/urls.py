from django.urls import path

from integrations.export import views

app_name = "export"
urlpatterns = [
    path("profile/export/", views.export_view, name="download"),
]
