from django.urls import path, re_path

import bookit.converters  # noqa: F401  registers <id:…>
from reservations import map_views, views

app_name = "reservations"
urlpatterns = [
    path("", map_views.home, name="home"),
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<id:pk>/change/", views.booking_change, name="change"),
    path("bookings/<id:pk>/restore/", views.booking_restore, name="restore"),
    path("bookings/<id:pk>.ics", views.booking_ics, name="ics"),
    path("favourites/", views.favourite_toggle, name="favourite"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.calendar_feed, name="feed"),
]
