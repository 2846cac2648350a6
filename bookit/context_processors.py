from django.conf import settings


def features(request) -> dict:
    """Which optional integrations are switched on, for templates to show or hide their parts."""
    return {
        "YANDEX_ENABLED": settings.YANDEX_ENABLED,
        "TELEGRAM_ENABLED": settings.TELEGRAM_ENABLED,
    }
