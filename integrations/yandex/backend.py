from django.conf import settings
from social_core.backends.yandex import YandexOAuth2 as BaseYandexOAuth2

from accounts.backends import active_user

YANDEX_USER_INFO_URL = "https://login.yandex.ru/info"


class YandexOAuth2(BaseYandexOAuth2):
    """Yandex ID under the name ``yandex``.

    social-auth builds the callback from ``reverse("social:complete", args=[backend.name])``; the
    name ``yandex`` gives DESIGN.md's ``/api/yandex/callback``, and the settings become
    ``SOCIAL_AUTH_YANDEX_KEY`` / ``SOCIAL_AUTH_YANDEX_SECRET``.
    """

    name = "yandex"

    def user_data(self, access_token, *args, **kwargs):
        # The info URL is hard-coded upstream; a setting lets a local fake stand in for it. The
        # token goes in the header (Yandex's documented way), not in the query string, so it does
        # not end up in proxy logs.
        url = getattr(settings, "YANDEX_USER_INFO_URL", YANDEX_USER_INFO_URL)
        return self.get_json(
            url, params={"format": "json"}, headers={"Authorization": f"OAuth {access_token}"}
        )

    def get_user(self, user_id):
        # social-auth's storage answers the active user or None with a queryset compiled per
        # request; a session logged in with Yandex reads the same row once (accounts.backends).
        return active_user(user_id)
