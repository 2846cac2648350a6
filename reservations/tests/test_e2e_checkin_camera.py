"""Camera check-in without BarcodeDetector: Chromium on Linux has none, so the page must decode
the camera frames with the vendored jsQR. The camera is Chromium's fake capture device playing
a Y4M file that shows the booking's real QR code."""

import hashlib
import os
from pathlib import Path

import pytest
import qrcode

from bookit.tests.browser import CHROMIUM, LAUNCH_ARGS
from reservations.models import Reservation
from reservations.qr import checkin_url
from reservations.tests.factories import make_reservation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
# What scripts/vendor-npm-assets printed for jsqr@1.4.0 (integrity-checked against npm).
JSQR_SHA256 = "bc40c8a15196236b2314db0856f72ca0b49980cd5413b8c852a7349f5fee0859"


def write_y4m(path: Path, text: str, width: int = 640, height: int = 480) -> None:
    """One grey-scale 4:2:0 frame with the QR code in the middle (Chromium loops it)."""
    from PIL import Image

    code = qrcode.make(text, box_size=6, border=4).get_image().convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * (width // 2) * (height // 2)
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_vendored_decoder_is_the_npm_release():
    data = (ROOT / "static/vendor/jsqr/jsQR.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == JSQR_SHA256
    assert "Apache License" in (ROOT / "static/vendor/jsqr/LICENSE").read_text()


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="system Chromium is not installed")
def test_camera_scan_checks_the_member_in_without_barcode_detector(
    live_server, client, staff, member, tmp_path
):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    booking = make_reservation(member)
    video = tmp_path / "qr.y4m"
    write_y4m(video, checkin_url(booking))
    client.force_login(staff)
    session = client.cookies["sessionid"].value
    args = [
        *LAUNCH_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context()
            context.grant_permissions(["camera"], origin=live_server.url)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{live_server.url}/staff/checkin/")
            page.wait_for_selector("#checkin-camera:not([hidden])")
            decoder = page.get_attribute("#checkin-camera", "data-decoder")
            has_native = page.evaluate("'BarcodeDetector' in window")
            page.click("#checkin-camera-start")
            page.wait_for_selector("#checkin-result", timeout=20_000)
            result = page.inner_text("#checkin-result")
        finally:
            browser.close()
    assert (decoder, has_native) == ("jsqr", False)
    assert "Maria Member" in result and errors == []
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CHECKED_IN
