"""Avatars against a real S3 endpoint: moto's S3 server on loopback, configured like MinIO in
compose (django-storages S3Storage, endpoint URL, path-style addressing, s3v4, public URLs through
custom_domain = host:port/bucket, no query-string auth).
"""

import io
import json
import socket
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from accounts import services
from accounts.management.commands.ensure_bucket import public_read_policy
from accounts.models import User
from accounts.tests import avatar_images as img

pytestmark = pytest.mark.django_db

UPLOAD = "/api/avatar/upload"
KEYS = {"access_key": "minio-test", "secret_key": "minio-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}", f"{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def s3_storage_settings(endpoint: str, public_host: str, bucket: str) -> dict:
    """What bookit/settings.py builds from the S3_* variables of the compose file."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            **KEYS,
            "region_name": "us-east-1",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "custom_domain": f"{public_host}/{bucket}",
            "url_protocol": "http:",
            "querystring_auth": False,
        },
    }


@pytest.fixture
def bucket_name():
    return f"avatars-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def s3_settings(settings, s3_endpoint, bucket_name):
    """Point the default storage at a fresh bucket name (the bucket itself is not created)."""
    endpoint, public_host = s3_endpoint
    # Assigning STORAGES fires setting_changed, which resets django's storages registry and
    # default_storage (django.test.signals.storages_changed); restored after the test.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(endpoint, public_host, bucket_name),
    }
    assert default_storage.bucket_name == bucket_name
    return s3_client(endpoint)


@pytest.fixture
def s3(s3_settings, bucket_name):
    """A bucket prepared the way the web container does it on start."""
    call_command("ensure_bucket", stdout=io.StringIO())
    return s3_settings


def keys(client, bucket: str) -> set[str]:
    listing = client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback moto)
        return response.status, response.headers["Content-Type"], response.read()


def post_image(client, data: bytes, name="photo.png", content_type="image/png"):
    return client.post(UPLOAD, {"avatar": img.upload(data, name, content_type)}, format="multipart")


class TestUploadToS3:
    def test_the_avatar_lands_in_the_bucket_and_its_url_serves_it(
        self, s3, bucket_name, member_api, member, s3_endpoint
    ):
        response = post_image(member_api, img.image_bytes("JPEG"), "me.jpg", "image/jpeg")
        assert response.status_code == 200, response.content
        member.refresh_from_db()
        main = member.avatar.name
        assert keys(s3, bucket_name) == {main, main.replace("_256.", "_64.")}
        head = s3.head_object(Bucket=bucket_name, Key=main)
        assert head["ContentType"] == "image/webp"

        url = response.json()["avatar_url"]
        assert url == f"http://{s3_endpoint[1]}/{bucket_name}/{main}"
        status, content_type, body = fetch(url)
        assert status == 200
        assert content_type == "image/webp"
        assert img.decode(body).size == (256, 256)
        _status, _type, small = fetch(response.json()["avatar_urls"]["64"])
        assert img.decode(small).size == (64, 64)

    def test_me_points_at_the_bucket(self, s3, bucket_name, member_api):
        url = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        assert member_api.get("/api/user/me").json()["avatar_url"] == url
        assert f"/{bucket_name}/avatars/" in url

    def test_replacing_deletes_the_old_objects(
        self, s3, bucket_name, member_api, member, django_capture_on_commit_callbacks
    ):
        post_image(member_api, img.image_bytes())
        first = keys(s3, bucket_name)
        with django_capture_on_commit_callbacks(execute=True):
            post_image(member_api, img.image_bytes("WEBP"))
        second = keys(s3, bucket_name)
        assert len(first) == len(second) == 2
        assert first.isdisjoint(second)
        member.refresh_from_db()
        assert member.avatar.name in second

    def test_account_deletion_deletes_the_objects(
        self, s3, bucket_name, member_api, member, django_capture_on_commit_callbacks
    ):
        post_image(member_api, img.image_bytes())
        assert len(keys(s3, bucket_name)) == 2
        with django_capture_on_commit_callbacks(execute=True):
            services.user_delete(user=User.objects.get(pk=member.pk))
        assert keys(s3, bucket_name) == set()

    def test_the_client_file_name_is_ignored(self, s3, bucket_name, member_api):
        response = post_image(member_api, img.image_bytes(), name="../../etc/passwd.png")
        assert response.status_code == 200
        stored = keys(s3, bucket_name)
        assert len(stored) == 2
        assert all(k.startswith("avatars/") and "passwd" not in k and ".." not in k for k in stored)

    def test_the_staff_default_is_stored_in_the_bucket(self, s3, bucket_name, staff_api):
        response = staff_api.post(
            "/api/admin/default_avatar",
            {"avatar": img.upload(img.image_bytes())},
            format="multipart",
        )
        assert response.status_code == 200
        assert {k.split("/")[1] for k in keys(s3, bucket_name)} == {"default"}
        _status, content_type, _body = fetch(response.json()["avatar_url"])
        assert content_type == "image/webp"


class TestRejectionsOnS3:
    @pytest.mark.parametrize(
        ("data", "name", "content_type", "status"),
        [
            (img.image_bytes() + b"\0" * (5 * 1024 * 1024), "big.png", "image/png", 413),
            (img.TEXT, "photo.png", "image/png", 400),
            (img.SVG, "a.svg", "image/svg+xml", 400),
            (img.HTML, "a.html", "text/html", 400),
            (img.pixel_bomb_png(20_000, 20_000), "bomb.png", "image/png", 400),
        ],
        ids=["too-big", "text-renamed-png", "svg", "html", "pixel-bomb"],
    )
    def test_nothing_reaches_the_bucket(
        self, s3, bucket_name, member_api, data, name, content_type, status
    ):
        response = post_image(member_api, data, name, content_type)
        assert response.status_code == status
        assert response.json()["errors"]["avatar"]
        assert keys(s3, bucket_name) == set()

    def test_a_missing_bucket_is_503_not_500(self, s3_settings, member_api, monkeypatch):
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        response = post_image(member_api, img.image_bytes())
        assert response.status_code == 503
        assert response.json()["detail"]

    def test_an_unreachable_endpoint_is_503_not_500(self, settings, member_api, monkeypatch):
        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage_settings(f"http://127.0.0.1:{port}", "x", "avatars"),
        }
        response = post_image(member_api, img.image_bytes())
        assert response.status_code == 503
        member_api.get("/api/avatar")  # URLs still build without the endpoint


class TestEnsureBucket:
    def test_it_creates_the_bucket_with_a_public_read_policy(self, s3_settings, bucket_name):
        out = io.StringIO()
        call_command("ensure_bucket", stdout=out)
        assert "created" in out.getvalue()
        s3_settings.head_bucket(Bucket=bucket_name)
        policy = json.loads(s3_settings.get_bucket_policy(Bucket=bucket_name)["Policy"])
        statement = policy["Statement"][0]
        assert statement["Effect"] == "Allow"
        assert "s3:GetObject" in json.dumps(statement["Action"])
        assert json.dumps(statement["Resource"]).count(f"arn:aws:s3:::{bucket_name}/*") == 1
        assert policy == public_read_policy(bucket_name)

    def test_it_is_idempotent(self, s3_settings, bucket_name):
        call_command("ensure_bucket", stdout=io.StringIO())
        s3_settings.put_object(Bucket=bucket_name, Key="avatars/keep.webp", Body=b"x")
        out = io.StringIO()
        call_command("ensure_bucket", stdout=out)
        assert "already exists" in out.getvalue()
        assert keys(s3_settings, bucket_name) == {"avatars/keep.webp"}
        assert s3_settings.get_bucket_policy(Bucket=bucket_name)["Policy"]

    def test_uploads_work_in_the_bucket_it_made(self, s3_settings, bucket_name, member_api):
        call_command("ensure_bucket", stdout=io.StringIO())
        url = post_image(member_api, img.image_bytes()).json()["avatar_url"]
        assert fetch(url)[1] == "image/webp"

    def test_without_its_policy_objects_are_not_public(self, s3_settings, bucket_name):
        # What the policy is for: the fake, like MinIO, refuses anonymous reads by default.
        s3_settings.create_bucket(Bucket=bucket_name)
        s3_settings.put_object(Bucket=bucket_name, Key="avatars/a.webp", Body=b"x")
        url = f"{s3_settings.meta.endpoint_url}/{bucket_name}/avatars/a.webp"
        with pytest.raises(urllib.error.HTTPError) as exc:
            fetch(url)
        assert exc.value.code == 403
        call_command("ensure_bucket", stdout=io.StringIO())
        assert fetch(url)[2] == b"x"

    def test_without_s3_it_does_nothing(self):
        out = io.StringIO()
        call_command("ensure_bucket", stdout=out)
        assert "not configured" in out.getvalue()

    def test_an_unreachable_endpoint_is_a_command_error(self, settings, monkeypatch):
        from django.core.management import CommandError

        monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage_settings("http://127.0.0.1:9", "x", "avatars"),
        }
        with pytest.raises(CommandError):
            call_command("ensure_bucket", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_fake_serves_objects_anonymously_by_url(s3_settings, bucket_name):
    """Sanity check of the fake: objects are fetched anonymously by their path-style URL, as
    from MinIO after ensure_bucket, and a missing key is an HTTP error, not an empty 200."""
    call_command("ensure_bucket", stdout=io.StringIO())
    s3_settings.put_object(Bucket=bucket_name, Key="avatars/a.webp", Body=b"data")
    endpoint = s3_settings.meta.endpoint_url
    assert fetch(f"{endpoint}/{bucket_name}/avatars/a.webp")[2] == b"data"
    with pytest.raises(urllib.error.HTTPError):
        fetch(f"{endpoint}/{bucket_name}/avatars/missing.webp")
