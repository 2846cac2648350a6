from django.urls import path

from integrations.telegram import views

app_name = "integrations"
urlpatterns = [
    path("profile/telegram/link/", views.telegram_link_view, name="telegram-link"),
    path("profile/telegram/unlink/", views.telegram_unlink_view, name="telegram-unlink"),
]
