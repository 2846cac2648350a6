from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Connects the notification outbox to booking and ticket events.
        from integrations.telegram import receivers  # noqa: F401
