"""Mounted at /api/ by bookit/api_urls.py, in the "social" namespace social-auth reverses.

social-auth reverses ``social:begin`` and ``social:complete`` with the backend name as the only
argument, so those two patterns capture ``backend`` (which can only be "yandex" here).
"""

from django.urls import re_path

from integrations.yandex import views

app_name = "social"
urlpatterns = [
    re_path(r"^yandex/login/?$", views.login_launcher, name="yandex-login"),
    re_path(r"^(?P<backend>yandex)/login/start/?$", views.begin, name="begin"),
    re_path(r"^(?P<backend>yandex)/callback/?$", views.complete, name="complete"),
]
