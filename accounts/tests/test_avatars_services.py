"""Avatar rules on the local default storage: validation, re-encoding, file lifecycle."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from PIL import Image, ImageFile

from accounts import services
from accounts.avatars import services as avatar_services
from accounts.avatars.images import (
    AvatarTooLarge,
    StorageUnavailable,
    avatar_delete_files,
    avatar_prepare,
    avatar_url,
    rendition_names,
)
from accounts.models import DefaultAvatar, User
from accounts.tests import avatar_images as img
from bookit.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NAME_RE = re.compile(r"^avatars/[0-9a-f]{32}_256\.webp$")


def stored_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class TestPrepare:
    def test_it_makes_square_webp_renditions_of_each_size(self):
        prepared = avatar_prepare(upload=img.upload(img.image_bytes("PNG", size=(500, 300))))
        assert set(prepared.renditions) == {256, 64}
        for edge, data in prepared.renditions.items():
            image = img.decode(data)
            assert image.format == "WEBP"
            assert image.size == (edge, edge)

    def test_it_accepts_jpeg_and_webp(self):
        for fmt in ("JPEG", "WEBP"):
            prepared = avatar_prepare(upload=img.upload(img.image_bytes(fmt), name=f"a.{fmt}"))
            assert img.decode(prepared.renditions[256]).size == (256, 256)

    def test_it_accepts_a_phone_jpeg_with_extra_pictures(self):
        # Phones add depth/gain-map pictures (MPF); Pillow calls such a JPEG "MPO".
        first, second = Image.new("RGB", (90, 60), (255, 0, 0)), Image.new("RGB", (90, 60), 0)
        out = io.BytesIO()
        first.save(out, format="MPO", save_all=True, append_images=[second])
        prepared = avatar_prepare(upload=img.upload(out.getvalue(), name="IMG_0001.jpg"))
        assert img.decode(prepared.renditions[64]).convert("RGB").getpixel((32, 32))[0] > 200

    def test_it_crops_the_centre(self):
        prepared = avatar_prepare(upload=img.upload(img.striped_png(300, 100)))
        image = img.decode(prepared.renditions[256]).convert("RGB")
        for xy in [(0, 0), (255, 255), (128, 128), (0, 255)]:
            red, green, blue = image.getpixel(xy)
            assert red > 200 and blue < 60, xy

    def test_it_strips_exif(self):
        source = img.jpeg_with_exif()
        assert b"SpyCam" in source
        prepared = avatar_prepare(upload=img.upload(source, name="me.jpg"))
        for data in prepared.renditions.values():
            assert b"SpyCam" not in data and b"secret-firmware" not in data
            assert dict(img.decode(data).getexif()) == {}

    def test_it_honours_the_exif_orientation_before_dropping_it(self):
        # A phone photo stored sideways: red left half, blue right, "rotate 90 clockwise".
        sideways = Image.new("RGB", (200, 100), (255, 0, 0))
        sideways.paste((0, 0, 255), (100, 0, 200, 100))
        exif = Image.Exif()
        exif[0x0112] = 6
        out = io.BytesIO()
        sideways.save(out, format="JPEG", exif=exif)
        prepared = avatar_prepare(upload=img.upload(out.getvalue(), name="phone.jpg"))
        image = img.decode(prepared.renditions[256]).convert("RGB")
        assert image.getpixel((128, 10))[0] > 200  # red on top
        assert image.getpixel((128, 245))[2] > 200  # blue at the bottom

    def test_it_keeps_transparency(self):
        prepared = avatar_prepare(upload=img.upload(img.image_bytes(color=(0, 0, 0, 0))))
        assert img.decode(prepared.renditions[64]).mode == "RGBA"

    def test_it_rejects_a_file_over_the_byte_cap(self, settings):
        settings.AVATAR_MAX_BYTES = 1000
        with pytest.raises(AvatarTooLarge) as exc:
            avatar_prepare(upload=img.upload(img.image_bytes(size=(64, 64)) + b"\0" * 1000))
        assert exc.value.status_code == 413
        assert exc.value.errors["avatar"]

    @pytest.mark.parametrize(
        ("data", "name", "content_type"),
        [
            (img.TEXT, "photo.png", "image/png"),
            (img.SVG, "avatar.svg", "image/svg+xml"),
            (img.SVG, "avatar.png", "image/png"),
            (img.HTML, "avatar.png", "image/png"),
            (img.image_bytes("GIF"), "anim.gif", "image/gif"),
            (img.image_bytes("BMP"), "old.bmp", "image/bmp"),
            (img.image_bytes("PNG")[:60], "cut.png", "image/png"),
            (b"", "empty.png", "image/png"),
        ],
        ids=["text", "svg", "svg-as-png", "html", "gif", "bmp", "truncated", "empty"],
    )
    def test_it_rejects_what_is_not_an_allowed_image(self, data, name, content_type):
        with pytest.raises(ValidationFailed) as exc:
            avatar_prepare(upload=img.upload(data, name=name, content_type=content_type))
        assert exc.value.status_code == 400
        assert exc.value.errors["avatar"]

    def test_it_rejects_a_pixel_bomb_from_the_header_without_decoding(self, monkeypatch):
        # 64 megapixels in 8 KB: over AVATAR_MAX_PIXELS, under Pillow's own bomb limit, so only
        # our header check stands between the upload and a 64 MB decode.
        bomb = img.pixel_bomb_png(8000, 8000)
        assert len(bomb) < 20_000

        def no_decoding(self, *args, **kwargs):
            raise AssertionError("the pixels were decoded")

        monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
        with translation.override("en"), pytest.raises(ValidationFailed) as exc:
            avatar_prepare(upload=img.upload(bomb))
        assert "megapixels" in str(exc.value.errors["avatar"][0])

    def test_it_rejects_a_huge_pixel_bomb_that_pillow_refuses_to_open(self, settings):
        settings.AVATAR_MAX_PIXELS = 10**12  # Pillow's DecompressionBombError must be handled
        with pytest.raises(ValidationFailed) as exc:
            avatar_prepare(upload=img.upload(img.pixel_bomb_png(20_000, 20_000)))
        assert exc.value.errors["avatar"]

    def test_the_pixel_cap_is_the_setting(self, settings):
        settings.AVATAR_MAX_PIXELS = 100 * 100
        avatar_prepare(upload=img.upload(img.image_bytes(size=(100, 100))))
        with pytest.raises(ValidationFailed):
            avatar_prepare(upload=img.upload(img.image_bytes(size=(101, 100))))


class TestAvatarSet:
    def test_it_stores_every_size_under_a_random_name(self, member, settings):
        upload = img.upload(img.image_bytes(), name="../../etc/passwd.png")
        avatar_services.avatar_set(user=member, upload=upload)
        member.refresh_from_db()
        assert NAME_RE.match(member.avatar.name)
        assert stored_files(settings) == set(rendition_names(member.avatar.name))
        assert not any("passwd" in name for name in stored_files(settings))
        assert not (Path(settings.MEDIA_ROOT).parent / "etc").exists()

    def test_replacing_deletes_the_old_files(
        self, member, settings, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes()))
        old = set(rendition_names(member.avatar.name))
        with django_capture_on_commit_callbacks(execute=True):
            avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes("JPEG")))
        new = set(rendition_names(User.objects.get(pk=member.pk).avatar.name))
        assert old.isdisjoint(new)
        assert stored_files(settings) == new

    def test_removing_deletes_the_files(self, member, settings, django_capture_on_commit_callbacks):
        avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes()))
        with django_capture_on_commit_callbacks(execute=True):
            avatar_services.avatar_remove(user=member)
        assert not User.objects.get(pk=member.pk).avatar
        assert stored_files(settings) == set()

    def test_account_deletion_deletes_every_size(
        self, member, settings, django_capture_on_commit_callbacks
    ):
        avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes()))
        assert len(stored_files(settings)) == 2
        with django_capture_on_commit_callbacks(execute=True):
            services.user_delete(user=member)
        assert stored_files(settings) == set()

    def test_a_rejected_upload_keeps_the_current_avatar(self, member, settings):
        avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes()))
        before = stored_files(settings)
        with pytest.raises(ValidationFailed):
            avatar_services.avatar_set(user=member, upload=img.upload(img.SVG, "x.svg"))
        assert stored_files(settings) == before
        assert User.objects.get(pk=member.pk).avatar.name == member.avatar.name

    def test_a_storage_failure_is_a_503_and_changes_nothing(self, member, settings, tmp_path):
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the media folder should be")
        settings.MEDIA_ROOT = blocker / "media"
        with pytest.raises(StorageUnavailable) as exc:
            avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes()))
        assert exc.value.status_code == 503
        assert not User.objects.get(pk=member.pk).avatar

    def test_deleting_files_survives_missing_files(self):
        avatar_delete_files(["avatars/" + "0" * 32 + "_256.webp", ""])  # no exception


class TestAvatarUrl:
    def test_it_falls_back_from_member_to_staff_default_to_built_in(self, member, staff):
        assert avatar_url(member).endswith("/static/img/default-avatar.svg")
        row = avatar_services.default_avatar_set(upload=img.upload(img.image_bytes()), by=staff)
        assert avatar_url(member) == default_storage.url(row.image.name)
        avatar_services.avatar_set(user=member, upload=img.upload(img.image_bytes("JPEG")))
        assert avatar_url(member) == default_storage.url(member.avatar.name)
        assert avatar_url(member, size=64).endswith("_64.webp")

    def test_removing_the_default_goes_back_to_the_built_in_picture(
        self, member, staff, settings, django_capture_on_commit_callbacks
    ):
        avatar_services.default_avatar_set(upload=img.upload(img.image_bytes()), by=staff)
        with django_capture_on_commit_callbacks(execute=True):
            avatar_services.default_avatar_remove(by=staff)
        assert avatar_url(member).endswith("/static/img/default-avatar.svg")
        assert DefaultAvatar.objects.get().updated_by == staff
        assert stored_files(settings) == set()
