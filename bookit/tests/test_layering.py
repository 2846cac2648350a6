"""Dependencies point one way: bookit <- accounts <- seats <- reservations <- tickets <-
integrations.

No module of an app (models, services, selectors, forms, admin, signals, views, API, commands)
imports from an app above its own, not even lazily inside a function; inversions go through
signals. The one exception is the project's URL root, which wires every app.
"""

import ast
from pathlib import Path

import pytest

LAYERS = ["bookit", "accounts", "seats", "reservations", "tickets", "integrations"]
DOMAIN = {"models", "services", "selectors", "forms", "admin", "signals", "slots", "policy"}
URL_ROOT = "bookit/urls.py"
ROOT = Path(__file__).resolve().parents[2]


def upward_imports(app: str, source: str) -> list[str]:
    """The modules imported by ``source`` (a module of ``app``) that belong to a higher layer."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS and LAYERS.index(top) > LAYERS.index(app):
                found.append(f"line {node.lineno}: {name}")
    return found


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if not {"tests", "migrations"} & set(path.parts)
        and path.relative_to(ROOT).as_posix() != URL_ROOT
    )


def test_the_checker_sees_top_level_and_lazy_imports():
    source = "from seats.models import Seat\ndef f():\n    import tickets.models\n"
    assert upward_imports("reservations", source) == ["line 3: tickets.models"]
    assert upward_imports("accounts", "from reservations import services\n") == [
        "line 1: reservations"
    ]
    assert upward_imports("integrations", "from tickets.models import Ticket\n") == []


def test_the_walk_finds_the_domain_modules_of_every_app():
    found = {(path.relative_to(ROOT).parts[0], path.stem) for path in app_modules()}
    for app in LAYERS[1:]:
        assert {(app, "models"), (app, "services")} <= found
    assert {stem for _, stem in found} >= DOMAIN


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_upward(path: Path):
    app = path.relative_to(ROOT).parts[0]
    assert upward_imports(app, path.read_text()) == []
