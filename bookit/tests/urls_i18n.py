"""A URLconf with language-prefixed paths, for test_locale_middleware."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse("page"), name="page"))
