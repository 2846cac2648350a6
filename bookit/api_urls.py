"""Everything under /api/, at the paths in DESIGN.md (trailing slash optional)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include(("accounts.api.urls", "accounts"), namespace="accounts-api")),
    path("", include(("seats.api.urls", "seats"), namespace="seats-api")),
    path("", include(("reservations.api.urls", "reservations"), namespace="reservations-api")),
    path("", include(("tickets.api.urls", "tickets"), namespace="tickets-api")),
    path("", include(("integrations.telegram.api.urls", "telegram"), namespace="telegram-api")),
    path("", include("integrations.yandex.urls")),
    path("", include(("integrations.stats.api_urls", "stats"), namespace="stats-api")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
