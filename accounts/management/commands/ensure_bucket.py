"""Create the S3/MinIO bucket of the default storage and make its objects publicly readable.

Idempotent, so the web container can run it on every start: an existing bucket is kept and the
policy is simply written again. Browsers load avatars straight from the bucket's public URL
(S3_PUBLIC_DOMAIN, querystring_auth off), which is why anonymous s3:GetObject is allowed; listing
the bucket and writing stay private. Without S3 settings it does nothing and says so.
"""

import json
import time

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadObjects",
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


class Command(BaseCommand):
    help = "Create the S3 bucket of the default storage (if missing) with a public-read policy."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=int,
            default=0,
            help="Keep retrying for this many seconds while the endpoint is unreachable.",
        )

    def handle(self, *args, **options):
        storage = storages["default"]
        bucket = getattr(storage, "bucket_name", None)
        if not bucket or not hasattr(storage, "connection"):
            self.stdout.write("S3 storage is not configured (S3_BUCKET unset); nothing to do.")
            return
        # The storage's own boto3 client: same endpoint, keys, path-style and signature as uploads.
        client = storage.connection.meta.client
        deadline = time.monotonic() + max(0, options["wait"])
        while True:
            try:
                created = self._ensure(client, bucket, storage)
                break
            except (BotoCoreError, ClientError) as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(f"Could not prepare bucket {bucket!r}: {exc}") from exc
                self.stderr.write(f"S3 not ready ({exc}); retrying...")
                time.sleep(2)
        state = "created" if created else "already exists"
        self.stdout.write(self.style.SUCCESS(f"Bucket {bucket!r} {state}; public-read policy set."))

    def _ensure(self, client, bucket: str, storage) -> bool:
        created = False
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code not in {"404", "NoSuchBucket", "NotFound"}:
                raise
            region = getattr(storage, "region_name", None) or "us-east-1"
            kwargs = {"Bucket": bucket}
            if region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            try:
                client.create_bucket(**kwargs)
                created = True
            except ClientError as create_exc:
                # Another replica created it between our HEAD and CREATE: that is fine.
                create_code = create_exc.response.get("Error", {}).get("Code", "")
                if create_code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
        return created
