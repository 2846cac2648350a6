from django.urls import re_path

from integrations.kiosk.api import views

urlpatterns = [
    re_path(r"^admin/kiosks/?$", views.KioskListView.as_view(), name="kiosks"),
    re_path(r"^admin/kiosks/(?P<pk>\d+)/?$", views.KioskDetailView.as_view(), name="kiosk"),
    re_path(r"^kiosk/(?P<token>[-\w]+)/state/?$", views.KioskStateView.as_view(), name="state"),
]
