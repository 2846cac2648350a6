"""The avatar block of the profile page and the default avatar in the Django admin."""

from pathlib import Path

import pytest
from django.test import Client

from accounts.avatars.images import install_upload_limit
from accounts.models import DefaultAvatar, User
from accounts.tests import avatar_images as img

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"
UPLOAD = "/profile/avatar/"
REMOVE = "/profile/avatar/remove/"
BUILT_IN = "/static/img/default-avatar.svg"


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def browser(member):
    """A logged-in browser that, like a real one, must send the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def csrf_token(client) -> str:
    client.get(PROFILE)
    return client.cookies["csrftoken"].value


def submit(client, data: bytes, name="me.png", content_type="image/png"):
    token = csrf_token(client)
    return client.post(
        UPLOAD, {"avatar": img.upload(data, name, content_type), "csrfmiddlewaretoken": token}
    )


class TestProfileAvatar:
    def test_the_profile_shows_the_default_picture_and_an_upload_form(self, browser):
        page = browser.get(PROFILE).content.decode()
        assert f'src="http://testserver{BUILT_IN}"' in page
        assert 'enctype="multipart/form-data"' in page
        assert f'action="{UPLOAD}"' in page
        assert 'name="avatar"' in page
        assert REMOVE not in page

    def test_uploading_through_the_form_sets_the_avatar(self, browser, member, settings):
        response = submit(browser, img.image_bytes("JPEG"), "holiday.jpg", "image/jpeg")
        assert response.status_code == 302
        assert response["Location"] == PROFILE
        member.refresh_from_db()
        assert member.avatar.name.endswith("_256.webp")
        assert len(media_files(settings)) == 2
        page = browser.get(PROFILE).content.decode()
        assert f"/media/{member.avatar.name}" in page
        assert REMOVE in page

    def test_the_form_needs_the_csrf_token(self, browser, member, settings):
        response = browser.post(UPLOAD, {"avatar": img.upload(img.image_bytes())})
        assert response.status_code == 403
        assert not User.objects.get(pk=member.pk).avatar
        assert media_files(settings) == []

    def test_a_bad_file_shows_the_error_by_the_form(self, browser, member, settings):
        response = submit(browser, img.SVG, "evil.svg", "image/svg+xml")
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_avatar-error"' in page
        assert 'aria-invalid="true"' in page
        assert media_files(settings) == []

    def test_a_file_over_the_cap_is_413_with_a_message(self, browser, settings):
        settings.AVATAR_MAX_BYTES = 10_000
        response = submit(browser, img.image_bytes() + b"\0" * 20_000)
        assert response.status_code == 413
        assert 'id="id_avatar-error"' in response.content.decode()
        assert media_files(settings) == []

    def test_an_oversized_file_is_dropped_while_streaming(self, browser, settings, monkeypatch):
        # The size limit must see the body before the CSRF check parses it, or the whole file
        # would be spooled to disk first; a handler installed too late never sees any data.
        from accounts.avatars import views as views_avatar

        installed = []

        def spy(request):
            installed.append(install_upload_limit(request))
            return installed[-1]

        monkeypatch.setattr(views_avatar, "install_upload_limit", spy)
        settings.AVATAR_MAX_BYTES = 10_000
        response = submit(browser, img.image_bytes() + b"\0" * 200_000)
        assert response.status_code == 413
        assert installed and installed[0].too_large

    def test_uploads_through_the_page_share_the_budget(self, browser, monkeypatch):
        from accounts.avatars.api import AvatarUploadThrottle

        monkeypatch.setattr(AvatarUploadThrottle, "rate", "1/hour")
        assert submit(browser, img.image_bytes()).status_code == 302
        response = submit(browser, img.image_bytes())
        assert response.status_code == 429
        assert 'id="id_avatar-error"' in response.content.decode()

    def test_remove_goes_back_to_the_default(
        self, browser, member, settings, django_capture_on_commit_callbacks
    ):
        submit(browser, img.image_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(REMOVE, {"csrfmiddlewaretoken": csrf_token(browser)})
        assert response.status_code == 302
        assert not User.objects.get(pk=member.pk).avatar
        assert media_files(settings) == []
        assert BUILT_IN in browser.get(PROFILE).content.decode()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.post(UPLOAD, {"avatar": img.upload(img.image_bytes())})
        assert response.status_code == 302
        assert "/login/" in response["Location"]


class TestDefaultAvatarAdmin:
    @pytest.fixture
    def admin_client(self, staff):
        client = Client()
        client.force_login(staff)
        return client

    def change_url(self, admin_client) -> str:
        response = admin_client.get("/admin/accounts/defaultavatar/")
        assert response.status_code == 302
        return response["Location"]

    def test_the_list_opens_the_single_row(self, admin_client):
        url = self.change_url(admin_client)
        assert url.endswith(f"/{DefaultAvatar.SINGLETON_PK}/change/")
        page = admin_client.get(url)
        assert page.status_code == 200
        assert BUILT_IN in page.content.decode()

    def test_staff_upload_goes_through_the_service(self, admin_client, staff, member, settings):
        url = self.change_url(admin_client)
        response = admin_client.post(url, {"upload": img.upload(img.image_bytes())})
        assert response.status_code == 302, response.content.decode()[:2000]
        row = DefaultAvatar.objects.get()
        assert row.image.name.startswith("avatars/default/")
        assert row.image.name.endswith("_256.webp")
        assert row.updated_by == staff
        assert len(media_files(settings)) == 2

    def test_a_bad_file_is_a_form_error(self, admin_client, settings):
        url = self.change_url(admin_client)
        response = admin_client.post(url, {"upload": img.upload(img.HTML, "x.png")})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["upload"]
        assert media_files(settings) == []

    def test_remove_goes_back_to_the_built_in_picture(
        self, admin_client, settings, django_capture_on_commit_callbacks
    ):
        url = self.change_url(admin_client)
        admin_client.post(url, {"upload": img.upload(img.image_bytes())})
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(url, {"remove": "on"})
        assert not DefaultAvatar.objects.get().image
        assert media_files(settings) == []
