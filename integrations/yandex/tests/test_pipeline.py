import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from social_core.pipeline import DEFAULT_AUTH_PIPELINE
from social_django.models import UserSocialAuth

from accounts.models import User
from integrations.yandex.tests.fake_yandex import login_with_yandex, yandex_profile


def test_pipeline_keeps_every_default_step_in_order():
    # social-core 7 added social_names to its defaults; a pipeline copied from older docs
    # dropped it and left Yandex users nameless. Ours must stay a superset, in the same order.
    ours = list(settings.SOCIAL_AUTH_PIPELINE)
    assert [step for step in ours if step in DEFAULT_AUTH_PIPELINE] == list(DEFAULT_AUTH_PIPELINE)


def test_linking_by_email_runs_before_an_account_is_created():
    ours = list(settings.SOCIAL_AUTH_PIPELINE)
    assert (
        ours.index("integrations.yandex.pipeline.require_email")
        < ours.index("integrations.yandex.pipeline.associate_by_email")
        < ours.index("integrations.yandex.pipeline.reject_inactive")
        < ours.index("social_core.pipeline.user.create_user")
    )


@pytest.mark.django_db
def test_losing_the_race_for_an_email_is_a_message_not_a_500(
    yandex_on, browser, member, monkeypatch
):
    # As if the member's account appeared between the email lookup and the insert.
    monkeypatch.setattr("integrations.yandex.pipeline.associate_by_email", lambda **kw: None)
    response = login_with_yandex(browser, profile=yandex_profile(default_email=member.email))

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert User.objects.count() == 1
    assert not UserSocialAuth.objects.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Could not log in with Yandex ID. Please try again."
    ]
