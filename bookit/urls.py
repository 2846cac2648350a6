from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from bookit import health
from bookit.routing import RememberingResolver
from integrations.metrics import metrics_view

handler500 = "bookit.unavailable.server_error"

routes = [
    path("admin/", admin.site.urls),
    path("api/", include("bookit.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(r"^metrics/?$", metrics_view, name="prometheus-django-metrics"),
    path("", include("accounts.urls")),
    path("", include("integrations.telegram.urls")),
    path("", include("integrations.export.urls")),
    path("", include("integrations.kiosk.urls")),
    path("staff/", include("reservations.staff_urls")),
    path("staff/", include("integrations.stats.urls")),
    path("", include("tickets.urls")),
    path("", include("reservations.urls")),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local media (avatars) when no S3 bucket is configured; production uses S3/MinIO.
    routes += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Every route, each path's match remembered (bookit.routing). Language-prefixed routes
# (i18n_patterns), should they come, go beside it: LocaleMiddleware looks for them only here.
urlpatterns = [RememberingResolver.wrap(path("", include(routes)))]
