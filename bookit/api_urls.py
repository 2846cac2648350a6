"""Everything under /api/, at the paths docs/api.md lists (trailing slash optional)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include(("accounts.api.urls", "accounts"), namespace="accounts-api")),
    path("", include(("seats.api.urls", "seats"), namespace="seats-api")),
    path("", include(("reservations.api.urls", "reservations"), namespace="reservations-api")),
    path("", include(("tickets.api.urls", "tickets"), namespace="tickets-api")),
    path("", include(("integrations.telegram.api.urls", "telegram"), namespace="telegram-api")),
    path("", include("integrations.yandex.urls")),
    path("", include(("integrations.export.api_urls", "export"), namespace="export-api")),
    path("", include(("integrations.stats.api_urls", "stats"), namespace="stats-api")),
    path("", include(("integrations.webhooks.api.urls", "webhooks"), namespace="webhooks-api")),
    path("", include(("integrations.kiosk.api.urls", "kiosk"), namespace="kiosk-api")),
    path(
        "", include(("integrations.simulation.api.urls", "simulation"), namespace="simulation-api")
    ),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
