from django.urls import path, re_path

import bookit.converters  # noqa: F401  registers <id:…>
from reservations import desk_views, map_views, views, waitlist_views

app_name = "reservations"
urlpatterns = [
    path("", map_views.home, name="home"),
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/series/<id:pk>/cancel/", views.series_cancel, name="series-cancel"),
    path("bookings/<id:pk>/change/", views.booking_change, name="change"),
    path("bookings/<id:pk>/restore/", views.booking_restore, name="restore"),
    path("bookings/<id:pk>.ics", views.booking_ics, name="ics"),
    path("waitlist/join/", waitlist_views.waitlist_join, name="waitlist-join"),
    path("waitlist/<id:pk>/accept/", waitlist_views.waitlist_accept, name="waitlist-accept"),
    path("waitlist/<id:pk>/decline/", waitlist_views.waitlist_decline, name="waitlist-decline"),
    path("waitlist/<id:pk>/leave/", waitlist_views.waitlist_leave, name="waitlist-leave"),
    re_path(
        r"^s/(?P<token>[^/]{1,200})/waitlist/$", desk_views.desk_waitlist, name="desk-waitlist"
    ),
    re_path(r"^s/(?P<token>[^/]{1,200}?)/?$", desk_views.desk_page, name="desk"),
    re_path(r"^s/(?P<token>[^/]{1,200})/checkin/$", desk_views.desk_check_in, name="desk-checkin"),
    re_path(r"^s/(?P<token>[^/]{1,200})/walkin/$", desk_views.desk_walk_in, name="desk-walkin"),
    path("favourites/", views.favourite_toggle, name="favourite"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.calendar_feed, name="feed"),
]
