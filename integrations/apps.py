from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Business metrics: counters on booking events, the scrape-time state collector.
        from integrations import metrics  # noqa: F401

        # Connects the notification outbox to booking and ticket events; the settings check.
        from integrations.notifications import receivers  # noqa: F401
        from integrations.telegram import checks  # noqa: F401

        # Booking, ticket and member events -> outbound webhook deliveries.
        from integrations.webhooks import receivers as webhook_receivers  # noqa: F401
