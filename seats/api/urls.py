from django.urls import re_path

from seats.api import views

urlpatterns = [
    re_path(r"^floors/?$", views.FloorListView.as_view(), name="floors"),
    re_path(r"^floors/(?P<pk>[0-9]{1,18})/?$", views.FloorDetailView.as_view(), name="floor"),
]
