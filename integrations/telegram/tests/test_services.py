import datetime as dt

import pytest
import time_machine

from bookit.errors import ValidationFailed
from integrations.models import TelegramLinkToken
from integrations.telegram import services
from integrations.telegram.tests.conftest import TOKEN
from integrations.telegram.tests.fakebot import BOT_USERNAME


@pytest.fixture(autouse=True)
def _telegram(settings):
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME


def test_link_token_is_a_deep_link_stored_only_as_hash(member):
    link = services.link_token_create(user=member)
    assert link.url == f"https://t.me/{BOT_USERNAME}?start={link.token}"
    assert 20 <= len(link.token) <= 64
    row = TelegramLinkToken.objects.get(user=member)
    assert row.token_hash == services.hash_token(link.token)
    assert not TelegramLinkToken.objects.filter(token_hash=link.token).exists()


def test_valid_token_links_chat_once(member):
    link = services.link_token_create(user=member)
    user = services.telegram_link(token=link.token, telegram_id=4242, username="maria")
    member.refresh_from_db()
    assert user == member
    assert (member.telegram_id, member.telegram_username) == (4242, "maria")
    assert TelegramLinkToken.objects.get(user=member).used_at is not None


def test_reused_token_is_refused(member, other_member):
    link = services.link_token_create(user=member)
    services.telegram_link(token=link.token, telegram_id=4242)
    with pytest.raises(ValidationFailed) as exc:
        services.telegram_link(token=link.token, telegram_id=999)
    assert "token" in exc.value.errors
    assert not type(member).objects.filter(telegram_id=999).exists()


def test_expired_token_is_refused(member):
    start = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = services.link_token_create(user=member)
    with time_machine.travel(start + services.LINK_TOKEN_TTL + dt.timedelta(seconds=1)):
        with pytest.raises(ValidationFailed):
            services.telegram_link(token=link.token, telegram_id=4242)
    member.refresh_from_db()
    assert member.telegram_id is None


@pytest.mark.parametrize("forged", ["", "x" * 65, "not-a-token", "abc:def"])
def test_forged_token_is_refused(member, forged):
    services.link_token_create(user=member)
    with pytest.raises(ValidationFailed):
        services.telegram_link(token=forged, telegram_id=4242)


def test_new_token_replaces_the_unused_old_one(member):
    old = services.link_token_create(user=member)
    new = services.link_token_create(user=member)
    with pytest.raises(ValidationFailed):
        services.telegram_link(token=old.token, telegram_id=4242)
    services.telegram_link(token=new.token, telegram_id=4242)


def test_token_of_inactive_account_is_refused(member):
    link = services.link_token_create(user=member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    with pytest.raises(ValidationFailed):
        services.telegram_link(token=link.token, telegram_id=4242)


def test_linking_a_chat_of_another_account_moves_it(member, other_member):
    other_member.telegram_id, other_member.telegram_username = 4242, "old"
    other_member.save()
    link = services.link_token_create(user=member)
    services.telegram_link(token=link.token, telegram_id=4242, username="maria")
    member.refresh_from_db()
    other_member.refresh_from_db()
    assert member.telegram_id == 4242
    assert other_member.telegram_id is None and other_member.telegram_username == ""


def test_relinking_replaces_the_members_previous_chat(member):
    member.telegram_id = 1111
    member.save()
    link = services.link_token_create(user=member)
    services.telegram_link(token=link.token, telegram_id=2222)
    member.refresh_from_db()
    assert member.telegram_id == 2222


def test_unlink_clears_the_chat(member):
    member.telegram_id, member.telegram_username = 4242, "maria"
    member.save()
    services.telegram_unlink(user=member)
    member.refresh_from_db()
    assert member.telegram_id is None and member.telegram_username == ""


def test_telegram_is_off_without_token_or_username(settings):
    assert services.telegram_enabled()
    settings.TELEGRAM_BOT_USERNAME = ""
    assert not services.telegram_enabled()
    settings.TELEGRAM_BOT_USERNAME, settings.TELEGRAM_BOT_TOKEN = BOT_USERNAME, ""
    assert not services.telegram_enabled()
