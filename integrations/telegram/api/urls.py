from django.urls import re_path

from integrations.telegram.api import views

urlpatterns = [
    re_path(r"^telegram/get_token/?$", views.GetTokenView.as_view(), name="get-token"),
    re_path(r"^telegram/connect/?$", views.ConnectView.as_view(), name="connect"),
    re_path(r"^telegram/exists/?$", views.ExistsView.as_view(), name="exists"),
    re_path(r"^telegram/unlink/?$", views.UnlinkView.as_view(), name="unlink"),
]
