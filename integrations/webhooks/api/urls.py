from django.urls import re_path

from integrations.webhooks.api import views

urlpatterns = [
    re_path(r"^admin/webhooks/?$", views.EndpointListView.as_view(), name="endpoints"),
    re_path(r"^admin/webhooks/events/?$", views.EventTypeListView.as_view(), name="events"),
    re_path(r"^admin/webhooks/(?P<pk>\d+)/?$", views.EndpointDetailView.as_view(), name="endpoint"),
    re_path(
        r"^admin/webhooks/(?P<pk>\d+)/rotate_secret/?$",
        views.EndpointRotateSecretView.as_view(),
        name="rotate-secret",
    ),
    re_path(
        r"^admin/webhooks/(?P<pk>\d+)/deliveries/?$",
        views.DeliveryListView.as_view(),
        name="deliveries",
    ),
    re_path(
        r"^admin/webhooks/(?P<pk>\d+)/deliveries/(?P<delivery_id>\d+)/retry/?$",
        views.DeliveryRetryView.as_view(),
        name="delivery-retry",
    ),
]
