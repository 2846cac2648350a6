"""axe-core 4.14.1 (MPL-2.0) from the npm registry, for the accessibility checks of the browser
tests: downloaded once into the git-ignored .cache/, checked against the registry's sha512
integrity, and injected into the page by the test (the site never serves it)."""

import io
import tarfile

from bookit.tests.npm import npm_tarball

VERSION = "4.14.1"
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3N"
    "PjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)


def axe_source() -> str:
    with tarfile.open(
        fileobj=io.BytesIO(npm_tarball("axe-core", VERSION, INTEGRITY)), mode="r:gz"
    ) as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def serious_violations(page) -> list[dict]:
    """Run axe on the page; the serious and critical violations, with their targets."""
    page.add_script_tag(content=axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
