"""Image bytes for the avatar tests: real encodings made with Pillow, and hostile inputs."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt: str = "PNG", size=(300, 200), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if len(color) == 4 else "RGB"
    Image.new(mode, size, color).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def striped_png(width: int = 300, height: int = 100) -> bytes:
    """Blue outer thirds, red middle third: a centre crop to a square is all red."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (width // 3, 0, 2 * width // 3, height))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    """A JPEG carrying camera and GPS EXIF tags, which must not survive the upload."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "secret-firmware"  # Software
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS IFD: latitude
    return image_bytes("JPEG", size=(400, 400), exif=exif)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A complete, valid 1-bit greyscale PNG of width*height pixels, compressed to a few dozen KB.

    Built row by row so the test never holds the decoded image (decoded as 8-bit, 400 MB).
    """
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed 1-bit pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<script>alert(document.cookie)</script><rect width="64" height="64"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/user/me')</script></body></html>"
TEXT = b"just some text, not a picture\n" * 20


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
