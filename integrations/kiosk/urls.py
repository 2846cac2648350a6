from django.urls import path

import bookit.converters  # noqa: F401  registers <id:…>
from integrations.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("kiosk/<str:token>/", views.kiosk_page, name="page"),
    path("kiosk/<str:token>/qr/<id:seat_id>.svg", views.kiosk_seat_qr, name="qr"),
]
