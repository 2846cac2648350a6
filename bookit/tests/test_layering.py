"""Dependencies point one way: bookit <- accounts <- seats <- reservations <- tickets <-
integrations.

A domain module (models, services, selectors, forms, admin, signals, ...) never imports from an
app above its own, not even lazily inside a function; inversions go through signals.
"""

import ast
from pathlib import Path

import pytest

LAYERS = ["bookit", "accounts", "seats", "reservations", "tickets", "integrations"]
DOMAIN = {"models", "services", "selectors", "forms", "admin", "signals", "slots", "policy"}
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


def domain_modules() -> list[Path]:
    return sorted(
        path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if path.stem in DOMAIN and not {"tests", "migrations"} & set(path.parts)
    )


def test_the_checker_sees_top_level_and_lazy_imports():
    source = "from seats.models import Seat\ndef f():\n    import tickets.models\n"
    assert upward_imports("reservations", source) == ["line 3: tickets.models"]
    assert upward_imports("accounts", "from reservations import services\n") == [
        "line 1: reservations"
    ]
    assert upward_imports("integrations", "from tickets.models import Ticket\n") == []


def test_the_walk_finds_the_domain_modules_of_every_app():
    apps = {path.relative_to(ROOT).parts[0] for path in domain_modules()}
    assert apps >= set(LAYERS[1:])


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_domain_module_imports_upward(path: Path):
    app = path.relative_to(ROOT).parts[0]
    assert upward_imports(app, path.read_text()) == []
