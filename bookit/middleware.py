from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy for every response: everything is served from our own origin."""

    POLICY = (
        "default-src 'self'; img-src 'self' data: blob: {media}; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self' {forms}; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        media = ""
        options = settings.STORAGES["default"].get("OPTIONS", {})
        if options.get("custom_domain"):
            media = (
                f"{options.get('url_protocol', 'http:')}//{options['custom_domain'].split('/')[0]}"
            )
        forms = (
            "https://oauth.yandex.com https://oauth.yandex.ru" if settings.YANDEX_ENABLED else ""
        )
        self.policy = self.POLICY.format(media=media, forms=forms).replace("  ", " ")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response
