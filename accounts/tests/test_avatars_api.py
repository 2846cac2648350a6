"""Avatar API on the local default storage (files under the test's MEDIA_ROOT)."""

from pathlib import Path

import pytest
from django.urls import resolve
from django.views.static import serve
from rest_framework.test import APIClient

from accounts.avatars.api import AvatarUploadThrottle
from accounts.avatars.images import install_upload_limit
from accounts.models import User
from accounts.tests import avatar_images as img

pytestmark = pytest.mark.django_db

UPLOAD = "/api/avatar/upload"
AVATAR = "/api/avatar"
ME = "/api/user/me"
DEFAULT = "/api/admin/default_avatar"
BUILT_IN = "http://testserver/static/img/default-avatar.svg"


def post_image(client, data: bytes, name="photo.png", content_type="image/png", field="avatar"):
    return client.post(UPLOAD, {field: img.upload(data, name, content_type)}, format="multipart")


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


class TestUpload:
    def test_it_stores_the_avatar_and_answers_its_urls(self, member_api, member, settings):
        response = post_image(member_api, img.image_bytes("JPEG"), "me.jpg", "image/jpeg")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["is_default"] is False
        assert body["avatar_url"].startswith("http://testserver/media/avatars/")
        assert body["avatar_url"].endswith("_256.webp")
        assert body["avatar_urls"]["64"].endswith("_64.webp")
        member.refresh_from_db()
        assert body["avatar_url"].endswith(member.avatar.name)
        assert len(media_files(settings)) == 2

    def test_the_file_field_name_is_accepted_too(self, member_api):
        response = post_image(member_api, img.image_bytes(), field="file")
        assert response.status_code == 200
        assert response.json()["is_default"] is False

    def test_it_is_served_as_webp(self, member_api, settings, rf):
        url = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        path = url.removeprefix("http://testserver")
        # bookit/urls.py binds MEDIA_ROOT when it is imported; the tests use a MEDIA_ROOT per test,
        # so the resolved view is called with the current one.
        match = resolve(path)
        assert match.func is serve
        served = serve(rf.get(path), match.kwargs["path"], document_root=settings.MEDIA_ROOT)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/webp"
        assert img.decode(b"".join(served.streaming_content)).size == (256, 256)

    def test_me_shows_the_avatar(self, member_api):
        url = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        assert member_api.get(ME).json()["avatar_url"] == url

    def test_the_client_file_name_is_never_used(self, member_api, member, settings):
        response = post_image(member_api, img.image_bytes(), name="../../etc/passwd.png")
        assert response.status_code == 200
        member.refresh_from_db()
        assert "passwd" not in member.avatar.name and ".." not in member.avatar.name
        media = Path(settings.MEDIA_ROOT).resolve()
        for path in media_files(settings):
            assert path.resolve().is_relative_to(media / "avatars")

    def test_replacing_deletes_the_old_files(
        self, member_api, member, settings, django_capture_on_commit_callbacks
    ):
        first = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        with django_capture_on_commit_callbacks(execute=True):
            second = post_image(member_api, img.image_bytes("WEBP")).json()["avatar_url"]
        assert first != second
        names = sorted(p.name for p in media_files(settings))
        member.refresh_from_db()
        stem = Path(member.avatar.name).name.removesuffix("_256.webp")
        assert names == sorted([f"{stem}_256.webp", f"{stem}_64.webp"])


class TestRejections:
    def test_a_file_over_5_mb_is_413_and_nothing_is_stored(self, member_api, member, settings):
        assert settings.AVATAR_MAX_BYTES == 5 * 1024 * 1024
        data = img.image_bytes() + b"\0" * (5 * 1024 * 1024)
        response = post_image(member_api, data)
        assert response.status_code == 413
        body = response.json()
        assert body["detail"] and body["errors"]["avatar"]
        assert media_files(settings) == []
        assert not User.objects.get(pk=member.pk).avatar

    def test_with_session_auth_the_oversized_file_is_dropped_while_streaming(
        self, member, settings, monkeypatch
    ):
        # Session auth runs the CSRF check, which parses the body: the limit must come first.
        from accounts.avatars import api as avatar_views

        installed = []

        def spy(request):
            installed.append(install_upload_limit(request))
            return installed[-1]

        monkeypatch.setattr(avatar_views, "install_upload_limit", spy)
        settings.AVATAR_MAX_BYTES = 10_000
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(member)
        client.get("/profile/")
        token = client.cookies["csrftoken"].value
        data = img.image_bytes() + b"\0" * 200_000
        response = client.post(
            UPLOAD, {"avatar": img.upload(data), "csrfmiddlewaretoken": token}, format="multipart"
        )
        assert response.status_code == 413
        assert installed and installed[0].too_large

    @pytest.mark.parametrize(
        ("data", "name", "content_type"),
        [
            (img.TEXT, "photo.png", "image/png"),
            (img.SVG, "avatar.svg", "image/svg+xml"),
            (img.HTML, "page.html", "text/html"),
            (img.HTML, "avatar.png", "image/png"),
            (img.image_bytes("GIF"), "a.gif", "image/gif"),
        ],
        ids=["text-renamed-png", "svg", "html", "html-renamed-png", "gif"],
    )
    def test_what_is_not_a_png_jpeg_or_webp_is_400(
        self, member_api, settings, data, name, content_type
    ):
        response = post_image(member_api, data, name, content_type)
        assert response.status_code == 400
        assert response.json()["errors"]["avatar"]
        assert media_files(settings) == []

    def test_a_tiny_png_with_400_megapixels_is_400(self, member_api, settings):
        bomb = img.pixel_bomb_png(20_000, 20_000)
        assert len(bomb) < 100_000
        response = post_image(member_api, bomb, "bomb.png")
        assert response.status_code == 400
        assert response.json()["errors"]["avatar"]
        assert media_files(settings) == []

    def test_a_png_over_the_pixel_cap_is_400(self, member_api):
        response = post_image(member_api, img.pixel_bomb_png(8000, 8000), "bomb.png")
        assert response.status_code == 400
        assert response.json()["errors"]["avatar"]

    def test_no_file_is_400(self, member_api):
        response = member_api.post(UPLOAD, {"other": "x"}, format="multipart")
        assert response.status_code == 400
        assert response.json()["errors"]["avatar"]

    def test_storage_down_is_503_not_500(self, member_api, settings, tmp_path):
        blocker = tmp_path / "blocker"
        blocker.write_text("")
        settings.MEDIA_ROOT = blocker / "media"
        response = post_image(member_api, img.image_bytes())
        assert response.status_code == 503
        assert response.json()["detail"]

    def test_anonymous_is_401(self, api):
        assert post_image(api, img.image_bytes()).status_code == 401
        assert api.get(AVATAR).status_code == 401


class TestGetAndDelete:
    def test_without_an_avatar_it_is_the_built_in_default(self, member_api):
        body = member_api.get(AVATAR).json()
        assert body == {
            "avatar_url": BUILT_IN,
            "avatar_urls": {"256": BUILT_IN, "64": BUILT_IN},
            "is_default": True,
        }
        assert member_api.get(ME).json()["avatar_url"] == BUILT_IN

    def test_delete_removes_the_avatar_and_its_files(
        self, member_api, settings, django_capture_on_commit_callbacks
    ):
        post_image(member_api, img.image_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            response = member_api.delete(AVATAR)
        assert response.status_code == 200
        assert response.json()["is_default"] is True
        assert media_files(settings) == []

    def test_others_do_not_see_my_avatar(self, member_api, other_api):
        mine = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        assert other_api.get(AVATAR).json()["avatar_url"] != mine


class TestDefaultAvatar:
    def test_staff_sets_the_default_everyone_without_one_gets(self, staff_api, member_api):
        response = staff_api.post(
            DEFAULT, {"avatar": img.upload(img.image_bytes())}, format="multipart"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["is_builtin"] is False
        assert "/media/avatars/default/" in body["avatar_url"]
        mine = member_api.get(AVATAR).json()
        assert mine["avatar_url"] == body["avatar_url"] and mine["is_default"] is True
        assert member_api.get(ME).json()["avatar_url"] == body["avatar_url"]

    def test_a_member_avatar_wins_over_the_default(self, staff_api, member_api):
        staff_api.post(DEFAULT, {"file": img.upload(img.image_bytes())}, format="multipart")
        own = post_image(member_api, img.image_bytes("JPEG")).json()["avatar_url"]
        assert member_api.get(ME).json()["avatar_url"] == own

    def test_staff_can_go_back_to_the_built_in_picture(
        self, staff_api, member_api, settings, django_capture_on_commit_callbacks
    ):
        staff_api.post(DEFAULT, {"avatar": img.upload(img.image_bytes())}, format="multipart")
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_api.delete(DEFAULT)
        assert response.json()["is_builtin"] is True
        assert member_api.get(AVATAR).json()["avatar_url"] == BUILT_IN
        assert media_files(settings) == []

    def test_the_default_is_validated_like_any_avatar(self, staff_api):
        response = staff_api.post(
            DEFAULT, {"avatar": img.upload(img.SVG, "x.svg", "image/svg+xml")}, format="multipart"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["avatar"]

    def test_members_get_403(self, member_api):
        response = member_api.post(
            DEFAULT, {"avatar": img.upload(img.image_bytes())}, format="multipart"
        )
        assert response.status_code == 403


class TestThrottle:
    def test_uploads_have_their_own_budget(self, member_api, monkeypatch):
        monkeypatch.setattr(AvatarUploadThrottle, "rate", "2/hour")
        assert post_image(member_api, img.image_bytes()).status_code == 200
        assert post_image(member_api, img.image_bytes()).status_code == 200
        response = post_image(member_api, img.image_bytes())
        assert response.status_code == 429
        assert response.json()["detail"]
        assert member_api.get(AVATAR).status_code == 200
