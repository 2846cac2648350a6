"""Staff pages of the booking app, mounted at /staff/ by bookit/urls.py."""

from django.urls import path

from reservations import staff_views

app_name = "staff"

urlpatterns = [
    path("checkin/", staff_views.checkin, name="checkin"),
    path("seat-codes/", staff_views.seat_codes, name="seat-codes"),
]
