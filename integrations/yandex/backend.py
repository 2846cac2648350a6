from django.conf import settings
from social_core.backends.yandex import YandexOAuth2 as BaseYandexOAuth2


class YandexOAuth2(BaseYandexOAuth2):
    """Yandex ID under the name ``yandex`` so the callback is /api/yandex/callback."""

    name = "yandex"

    def user_data(self, access_token, *args, **kwargs):
        # The info URL is hard-coded upstream; a setting lets tests point it at a local fake.
        url = getattr(settings, "YANDEX_USER_INFO_URL", "https://login.yandex.ru/info")
        return self.get_json(
            url, params={"format": "json"}, headers={"Authorization": f"OAuth {access_token}"}
        )
