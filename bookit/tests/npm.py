"""npm packages the tests need (a JSON schema, axe-core), fetched from the npm registry once
into the git-ignored .cache/ and checked against the registry's sha512 integrity: not vendored,
never trusted unchecked."""

import base64
import hashlib
import os
import urllib.request
from pathlib import Path

CACHE = Path(__file__).resolve().parents[2] / ".cache"


def _digest_ok(data: bytes, integrity: str) -> bool:
    return f"sha512-{base64.b64encode(hashlib.sha512(data).digest()).decode()}" == integrity


def npm_tarball(package: str, version: str, integrity: str) -> bytes:
    url = f"https://registry.npmjs.org/{package}/-/{package}-{version}.tgz"
    path = CACHE / f"{package}-{version}.tgz"
    if path.exists():
        data = path.read_bytes()
        if _digest_ok(data, integrity):
            return data
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    if not _digest_ok(data, integrity):
        raise RuntimeError(f"{url}: integrity mismatch")
    # Atomically: two test runs sharing the cache never read a half-written copy.
    CACHE.mkdir(exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return data
