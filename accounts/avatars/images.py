"""Avatar images: validation, safe re-encoding, stored names and URLs.

Storage is Django's default storage (local files, or S3/MinIO when configured). An avatar is a set
of square WEBP renditions stored under one random stem, e.g. ``avatars/3f…9a_256.webp`` and
``avatars/3f…9a_64.webp``; the model field keeps the largest one and the others are derived from it.

Why every step is here:
- the byte cap is checked before reading, the pixel cap from the header before decoding, so a
  small file that decodes to gigabytes (a "decompression bomb") never reaches ``load()``;
- the format is sniffed from the content with Pillow limited to PNG/JPEG/WEBP, never from the
  name or the client's content type, so SVG, HTML or renamed text are refused;
- re-encoding from pixels drops EXIF (GPS, camera serials), ICC and any trailing payload, and the
  random name means a client-chosen name ("../../etc/passwd.png") is never used.
"""

import io
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.templatetags.static import static
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from bookit.errors import DomainError, ValidationFailed

logger = logging.getLogger(__name__)

AVATAR_SIZES = (256, 64)  # the first is the main one, kept in the model field
AVATAR_FORMAT = "WEBP"
AVATAR_EXTENSION = "webp"
AVATAR_CONTENT_TYPE = "image/webp"
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP")
# Pillow reports JPEGs with an MPF segment (phone photos with depth or gain maps) as "MPO"; they
# are JPEGs and only their first picture is used.
_OPENED_FORMATS = {*ALLOWED_FORMATS, "MPO"}
BUILTIN_DEFAULT = "img/default-avatar.svg"
FIELD = "avatar"

EXIF_ORIENTATION = 0x0112
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_NAME_RE = re.compile(r"^(?P<stem>.+)_(?P<size>\d+)\.(?P<ext>[a-z0-9]+)$")


class AvatarTooLarge(DomainError):
    status_code = 413


class StorageUnavailable(DomainError):
    status_code = 503


class TooManyUploads(DomainError):
    status_code = 429


@dataclass(frozen=True)
class PreparedAvatar:
    """Re-encoded renditions, ready to store: {edge in pixels: WEBP bytes}."""

    renditions: dict[int, bytes]


class UploadSizeLimit(FileUploadHandler):
    """Drops a file part as soon as it passes AVATAR_MAX_BYTES, before it reaches memory or disk.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, so without this an oversized
    upload would be spooled to a temporary file in full before the view could refuse it.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.AVATAR_MAX_BYTES
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def install_upload_limit(request) -> UploadSizeLimit:
    """Put the limit first in the request's upload handlers; call before the body is parsed."""
    handler = UploadSizeLimit(request)
    request.upload_handlers.insert(0, handler)
    return handler


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed.on(FIELD, message)


def too_large_error() -> AvatarTooLarge:
    limit_mb = settings.AVATAR_MAX_BYTES / (1024 * 1024)
    message = _("The image is too large: at most %(mb).0f MB.") % {"mb": limit_mb}
    return AvatarTooLarge(message, errors={FIELD: [message]})


def _read_capped(upload) -> bytes:
    """The upload's bytes; never more than the cap plus one byte is read into memory."""
    limit = settings.AVATAR_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_large_error()
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large_error()
    if not data:
        raise _invalid(_("The submitted file is empty."))
    return data


def _to_rgb(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    if image.mode == ("RGBA" if has_alpha else "RGB"):
        return image  # no full-size copy
    if has_alpha:
        return image.convert("RGBA")
    if image.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
        # 16-bit and float greyscale: scale into 8 bits before colour conversion.
        image = image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


def _center_square(image: Image.Image, edge: int) -> Image.Image:
    """Crop the centred square and scale it to edge x edge in one pass.

    reducing_gap lets Pillow shrink by whole factors first, several times faster than a plain
    LANCZOS over a large photo, with no visible difference at avatar sizes.
    """
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) / 2, (height - side) / 2
    box = (left, top, left + side, top + side)
    return image.resize((edge, edge), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _oriented(square: Image.Image, orientation) -> Image.Image:
    # Applied to the small square rather than the full image: every EXIF orientation maps the
    # centred square onto itself, so the result is the same and no full-size copy is made.
    method = _ORIENTATION_TRANSPOSE.get(orientation)
    return square.transpose(method) if method is not None else square


def avatar_prepare(*, upload) -> PreparedAvatar:
    """Validate an uploaded file and return its safe square renditions.

    Raises AvatarTooLarge (413) over AVATAR_MAX_BYTES, ValidationFailed (400, field ``avatar``)
    for anything that is not a PNG/JPEG/WEBP within AVATAR_MAX_PIXELS.
    """
    if upload is None:
        raise _invalid(_("Choose an image to upload."))
    data = _read_capped(upload)
    not_an_image = _("Upload a PNG, JPEG or WEBP image.")
    too_many_pixels = _("The image is too large: at most %(mp)d megapixels.") % {
        "mp": max(1, settings.AVATAR_MAX_PIXELS // 1_000_000)
    }
    try:
        # formats= keeps Pillow from trying any other decoder (no EPS, no PSD, no SVG plugins).
        image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except Image.DecompressionBombError:
        raise _invalid(too_many_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _invalid(not_an_image) from None
    with image:
        if image.format not in _OPENED_FORMATS:
            raise _invalid(not_an_image)
        width, height = image.size
        # Checked from the header, before load(): this is what stops a decompression bomb.
        if width < 1 or height < 1:
            raise _invalid(not_an_image)
        if width * height > settings.AVATAR_MAX_PIXELS:
            raise _invalid(too_many_pixels)
        try:
            if image.format in {"JPEG", "MPO"}:
                # Let libjpeg decode at a reduced scale: far less memory and time for big photos.
                image.draft("RGB", (AVATAR_SIZES[0] * 2, AVATAR_SIZES[0] * 2))
            orientation = image.getexif().get(EXIF_ORIENTATION)
            image.load()
            renditions = {}
            square = _to_rgb(image)
            for edge in AVATAR_SIZES:  # largest first: each size is made from the one before
                square = _center_square(square, edge)
                out = io.BytesIO()
                # A fresh encode from pixels: no exif, no icc_profile, nothing from the original.
                _oriented(square, orientation).save(out, format=AVATAR_FORMAT, quality=85, method=4)
                renditions[edge] = out.getvalue()
        except Image.DecompressionBombError:
            raise _invalid(too_many_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError, TypeError, MemoryError):
            # Truncated or corrupt data behind a valid header.
            raise _invalid(_("The image is damaged or incomplete.")) from None
        except Exception:
            # A decoder failing in a way not listed above is still the client's bad file, not a
            # 500; logged so a real bug stays visible. (3,000 fuzzed files found none.)
            logger.warning("Unexpected error decoding an avatar upload", exc_info=True)
            raise _invalid(_("The image is damaged or incomplete.")) from None
    return PreparedAvatar(renditions=renditions)


def rendition_names(name: str) -> list[str]:
    """Every stored file of the avatar whose main file is ``name`` (main first)."""
    if not name:
        return []
    match = _NAME_RE.match(name)
    if not match or int(match["size"]) != AVATAR_SIZES[0]:
        return [name]  # a file from before renditions (e.g. set in the admin): just itself
    return [f"{match['stem']}_{edge}.{match['ext']}" for edge in AVATAR_SIZES]


def rendition_name(name: str, size: int) -> str:
    """The stored name of one size; the main file when that size does not exist."""
    names = rendition_names(name)
    if size in AVATAR_SIZES and len(names) == len(AVATAR_SIZES):
        return names[AVATAR_SIZES.index(size)]
    return name


def avatar_store(*, prepared: PreparedAvatar, prefix: str = "avatars/") -> str:
    """Save all renditions under a new random stem; returns the main file's name.

    Any storage failure (disk, S3 down, credentials) becomes StorageUnavailable (503) and the
    files saved so far are removed, so no half-written avatar is left behind.
    """
    stem = f"{prefix}{secrets.token_hex(16)}"
    saved: list[str] = []
    try:
        for edge in AVATAR_SIZES:
            content = ContentFile(prepared.renditions[edge])
            # S3Storage uses this for the object's Content-Type (served as-is to browsers).
            content.content_type = AVATAR_CONTENT_TYPE  # type: ignore[attr-defined]
            saved.append(default_storage.save(f"{stem}_{edge}.{AVATAR_EXTENSION}", content))
    except Exception:
        logger.exception("Could not store avatar %s", stem)
        avatar_delete_files(saved)
        raise StorageUnavailable(
            _("Image storage is unavailable right now. Please try again later.")
        ) from None
    if saved != rendition_names(saved[0]):
        # The storage renamed a file (it never should with random stems): keep things findable.
        logger.warning("Storage renamed avatar files: %s", saved)
    return saved[0]


def avatar_delete_files(names: Iterable[str | None]) -> None:
    """Delete stored avatars with all their renditions; a storage outage never fails the caller.

    ``names`` are main file names as kept in the model field (what user_delete passes); an
    empty one (no avatar) is skipped.
    """
    for name in filter(None, names):
        for stored in rendition_names(name):
            try:
                default_storage.delete(stored)
            except Exception:  # storage outages must not undo an account deletion
                logger.exception("Could not delete avatar file %s", stored)


def default_avatar_name() -> str:
    """The staff-set default avatar's main file name, or '' for the built-in picture."""
    from accounts.models import DefaultAvatar

    row = DefaultAvatar.objects.filter(pk=DefaultAvatar.SINGLETON_PK).only("image").first()
    return (row.image.name or "") if row and row.image else ""


def _storage_url(name: str) -> str:
    try:
        return default_storage.url(name)
    except Exception:  # a misconfigured storage must not break the profile
        logger.exception("Could not build the URL of %s", name)
        return ""


def _absolute(url: str, request) -> str:
    if request is not None and url.startswith("/"):
        return request.build_absolute_uri(url)
    return url


def _urls(name: str, request) -> dict[str, str]:
    """URL of each size of a stored avatar (the built-in picture when there is none)."""
    urls = {}
    for edge in AVATAR_SIZES:
        url = _storage_url(rendition_name(name, edge)) if name else ""
        urls[str(edge)] = _absolute(url or static(BUILTIN_DEFAULT), request)
    return urls


def avatar_info(user, *, request=None) -> dict:
    """What the API and pages show: the URL of each size and whether it is a default."""
    is_default = not user.avatar
    urls = _urls(default_avatar_name() if is_default else user.avatar.name, request)
    return {"avatar_url": urls[str(AVATAR_SIZES[0])], "avatar_urls": urls, "is_default": is_default}


def avatar_url(user, *, request=None, size: int = AVATAR_SIZES[0]) -> str:
    """The member's avatar URL: their own, else the staff default, else the built-in picture.

    Absolute when a request is given.
    """
    url = ""
    if user.avatar:
        url = _storage_url(rendition_name(user.avatar.name, size))
    if not url:
        name = default_avatar_name()
        url = _storage_url(rendition_name(name, size)) if name else ""
    return _absolute(url or static(BUILTIN_DEFAULT), request)


def avatar_url_of(name: str, *, default: Callable[[], str], request=None) -> str:
    """avatar_url() for a member known only by the stored file name ('' when none): a list
    of many members builds ``default`` (the default picture's URL) once, not once each."""
    url = _storage_url(rendition_name(name, AVATAR_SIZES[0])) if name else ""
    return _absolute(url, request) if url else default()


def default_avatar_info(*, request=None) -> dict:
    """The default every member without an avatar gets; ``is_builtin`` when staff set none."""
    name = default_avatar_name()
    urls = _urls(name, request)
    return {"avatar_url": urls[str(AVATAR_SIZES[0])], "avatar_urls": urls, "is_builtin": not name}
