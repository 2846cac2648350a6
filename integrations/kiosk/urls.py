from django.urls import path

from integrations.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("kiosk/<str:token>/", views.kiosk_page, name="page"),
    path("kiosk/<str:token>/qr/<int:seat_id>.svg", views.kiosk_seat_qr, name="qr"),
]
