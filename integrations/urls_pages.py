from django.urls import path

from integrations import views

app_name = "integrations"
urlpatterns = [
    path("profile/telegram/link/", views.telegram_link_view, name="telegram-link"),
    path("profile/telegram/unlink/", views.telegram_unlink_view, name="telegram-unlink"),
    path("profile/export/", views.export_view, name="export"),
]
