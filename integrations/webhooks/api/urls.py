from django.urls import re_path

from bookit.converters import ID
from integrations.webhooks.api import views

urlpatterns = [
    re_path(r"^admin/webhooks/?$", views.EndpointListView.as_view(), name="endpoints"),
    re_path(r"^admin/webhooks/events/?$", views.EventTypeListView.as_view(), name="events"),
    re_path(
        rf"^admin/webhooks/(?P<pk>{ID})/?$", views.EndpointDetailView.as_view(), name="endpoint"
    ),
    re_path(
        rf"^admin/webhooks/(?P<pk>{ID})/rotate_secret/?$",
        views.EndpointRotateSecretView.as_view(),
        name="rotate-secret",
    ),
    re_path(
        rf"^admin/webhooks/(?P<pk>{ID})/deliveries/?$",
        views.DeliveryListView.as_view(),
        name="deliveries",
    ),
    re_path(
        rf"^admin/webhooks/(?P<pk>{ID})/deliveries/(?P<delivery_id>{ID})/retry/?$",
        views.DeliveryRetryView.as_view(),
        name="delivery-retry",
    ),
]
