from django.urls import path, re_path

from reservations import map_views, views

app_name = "reservations"
urlpatterns = [
    path("", map_views.home, name="home"),
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<int:pk>/change/", views.booking_change, name="change"),
    path("bookings/<int:pk>/restore/", views.booking_restore, name="restore"),
    path("bookings/<int:pk>.ics", views.booking_ics, name="ics"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.calendar_feed, name="feed"),
]
