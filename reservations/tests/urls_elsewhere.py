"""A second URLconf for the map's memoized reverse() (test_map_views)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("reservations.urls"))]
