"""What the deployment files say, parsed once for the ops tests (no Docker engine needed)."""

import os
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# Services built from this repository (web, bot, scheduler), as opposed to third-party images.
APP_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}
SETTINGS_SOURCE = (ROOT / "bookit" / "settings.py").read_text()
SETTINGS_VARS = set(
    re.findall(r"\benv(?:_bool|_int|_list)?\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS_SOURCE)
)
COMPOSE_ONLY_HEADER = "# --- Used only by docker-compose.yml"


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(variables for the app, variables only docker-compose.yml uses) from .env.example."""
    app, compose_only = {}, {}
    current = app
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(COMPOSE_ONLY_HEADER):
            current = compose_only
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            current[match[1]] = match[2]
    return app, compose_only


def dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """.dockerignore as (exception?, regex), with Docker's meaning: `*` stays within one path
    segment, `**/` spans directories, a match also covers everything below, `!` re-includes."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] in "*?":
                regex, i = regex + ("[^/]*" if pattern[i] == "*" else "[^/]"), i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex + "(?:/.*)?$")))
    return rules


def docker_ignored(relative: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    ignored = False
    for negate, regex in rules:
        if regex.match(relative):
            ignored = not negate
    return ignored


def build_context(destination: Path) -> None:
    """Copy what `docker build .` would send: the repository minus .dockerignore."""
    rules = dockerignore_rules()
    for directory, subdirs, files in os.walk(ROOT):
        base = Path(directory).relative_to(ROOT)
        subdirs[:] = [d for d in subdirs if not docker_ignored((base / d).as_posix(), rules)]
        for name in files:
            relative = (base / name).as_posix()
            if not docker_ignored(relative, rules):
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / relative, target)


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against ``variables`` (the .env)."""

    def replace(match: re.Match) -> str:
        name, op, arg = match[1], match[2], match[3]
        current = variables.get(name, "")
        if op == ":?" and not current:
            raise ValueError(f"compose would refuse to start: {arg}")
        if op == ":-" and not current:
            return arg
        return current

    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)(?:(:[?-])([^}]*))?\}", replace, value)
