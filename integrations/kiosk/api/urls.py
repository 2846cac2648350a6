from django.urls import re_path

from bookit.converters import ID
from integrations.kiosk.api import views

urlpatterns = [
    re_path(r"^admin/kiosks/?$", views.KioskListView.as_view(), name="kiosks"),
    re_path(rf"^admin/kiosks/(?P<pk>{ID})/?$", views.KioskDetailView.as_view(), name="kiosk"),
    re_path(r"^kiosk/(?P<token>[-\w]+)/state/?$", views.KioskStateView.as_view(), name="state"),
]
