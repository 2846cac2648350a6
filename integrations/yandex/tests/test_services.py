import pytest
from social_django.models import Nonce

from integrations.yandex.services import KEEP_SECONDS, oauth_state_cleanup
from integrations.yandex.tests.fake_yandex import callback, start

pytestmark = pytest.mark.django_db

NOW = 2_000_000_000


def test_cleanup_deletes_only_states_past_their_use(yandex_on, browser):
    start(browser)  # a real state row, as the button stores it
    live = Nonce.objects.get()
    Nonce.objects.filter(pk=live.pk).update(timestamp=NOW - KEEP_SECONDS + 60)
    Nonce.objects.create(server_url="yandex", timestamp=NOW - KEEP_SECONDS - 1, salt="old")

    assert oauth_state_cleanup(now=NOW) == 1
    assert list(Nonce.objects.values_list("pk", flat=True)) == [live.pk]


def test_a_login_in_progress_survives_the_cleanup(yandex_on, browser):
    _, query = start(browser)
    oauth_state_cleanup()

    response, _ = callback(browser, {"code": "auth-code", "state": query["state"]})
    assert response["Location"] == "/"
