"""The session's user read through accounts.backends (bookit.rows), and sessions that still
name Django's ModelBackend (logged in before the change)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ModelBackend, active_user
from accounts.models import User
from accounts.tests.factories import PASSWORD, make_user
from integrations.yandex.backend import YandexOAuth2

pytestmark = pytest.mark.django_db


def _fields(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


class TestActiveUser:
    def test_the_same_instance_as_djangos_backend(self, member):
        ours = ModelBackend().get_user(member.pk)
        django = DjangoModelBackend().get_user(member.pk)
        assert type(ours) is User and ours == django
        assert _fields(ours) == _fields(django)
        assert ours._state.adding is False and ours._state.db == "default"

    def test_one_statement(self, member):
        with CaptureQueriesContext(connection) as queries:
            assert active_user(member.pk) == member
        assert len(queries) == 1

    def test_inactive_missing_and_malformed_ids_are_nobody(self, member):
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert ModelBackend().get_user(member.pk) is None
        assert DjangoModelBackend().get_user(member.pk) is None
        assert active_user(member.pk + 1000) is None
        assert active_user("not a number") is None
        assert active_user(None) is None
        assert active_user(str(make_user("s@example.com").pk)) is not None

    def test_yandex_sessions_read_the_user_the_same_way(self, member):
        assert YandexOAuth2().get_user(member.pk) == member
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert YandexOAuth2().get_user(member.pk) is None


class TestSessions:
    def test_a_password_login_names_our_backend(self, client, member):
        client.post("/login/", {"email": member.email, "password": PASSWORD})
        assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
        assert client.get("/profile/").status_code == 200

    def _legacy_session(self, client, user) -> None:
        """A session as Django's ModelBackend wrote it before accounts.backends existed."""
        session = client.session
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        client.cookies["sessionid"] = session.session_key

    def test_a_legacy_session_stays_logged_in_and_is_moved(self, client, member):
        self._legacy_session(client, member)
        response = client.get("/profile/")
        assert response.status_code == 200 and response.wsgi_request.user == member
        assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
        assert client.get("/profile/").status_code == 200

    def test_a_legacy_session_of_a_changed_password_is_still_logged_out(self, client, member):
        self._legacy_session(client, member)
        member.set_password("another-Secret-42")
        member.save()
        response = client.get("/profile/")
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_a_deactivated_member_is_logged_out(self, member_client, member):
        assert member_client.get("/profile/").status_code == 200
        User.objects.filter(pk=member.pk).update(is_active=False)
        assert member_client.get("/profile/").status_code == 302
