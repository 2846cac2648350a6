"""npm packages the tests need (a JSON schema, axe-core), fetched from the npm registry once
into the git-ignored .cache/ and checked against the registry's sha512 integrity: not vendored,
never trusted unchecked."""

import base64
import hashlib
import urllib.request
from pathlib import Path

CACHE = Path(__file__).resolve().parents[1] / ".cache"


def npm_tarball(package: str, version: str, integrity: str) -> bytes:
    url = f"https://registry.npmjs.org/{package}/-/{package}-{version}.tgz"
    path = CACHE / f"{package}-{version}.tgz"
    if path.exists():
        data = path.read_bytes()
    else:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if f"sha512-{digest}" != integrity:
        raise RuntimeError(f"{url}: integrity mismatch")
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(data)
    return data
