from django.conf import settings
from django.core.checks import Warning, register


@register()
def telegram_settings_check(app_configs=None, **kwargs) -> list[Warning]:
    """Links are built from the bot's username without asking Telegram, so it must be set."""
    if settings.TELEGRAM_BOT_TOKEN and not settings.TELEGRAM_BOT_USERNAME:
        return [
            Warning(
                "TELEGRAM_BOT_TOKEN is set but TELEGRAM_BOT_USERNAME is not: "
                "members cannot get a Telegram link.",
                hint="Set TELEGRAM_BOT_USERNAME to the bot's @username without the @.",
                id="integrations.W001",
            )
        ]
    return []
