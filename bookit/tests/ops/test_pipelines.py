"""The CI/CD pipelines: .gitlab-ci.yml and .github/workflows/ci.yml.

Each is validated against its published JSON schema (SchemaStore's, vendored in the PyPI
package check-jsonschema, run as its CLI), and the schema is shown to have teeth. The rules the
schemas cannot know are checked structurally: the test job runs the README's test command on
PostgreSQL and Redis services, deploy runs only on the default branch after the tests, through
scripts/deploy, from protected variables or environment secrets, and no secret is in the repo.
"""

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .stack import ROOT

GITLAB = ROOT / ".gitlab-ci.yml"
GITHUB = ROOT / ".github" / "workflows" / "ci.yml"
DEPLOY_SCRIPT = ROOT / "scripts" / "deploy"
# The variables scripts/deploy reads; the secret ones must come from the CI's secret store.
DEPLOY_SECRETS = {"DEPLOY_HOST", "DEPLOY_USER", "DEPLOY_SSH_KEY", "DEPLOY_KNOWN_HOSTS"}
DEPLOY_SETTINGS = {"DEPLOY_PORT", "DEPLOY_PATH", "DEPLOY_URL"}


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text())


def github() -> dict:
    return yaml.safe_load(GITHUB.read_text())


def check_jsonschema(schema: str, document: Path) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).with_name("check-jsonschema")
    command = [str(cli)] if cli.exists() else [shutil.which("check-jsonschema") or "missing"]
    return subprocess.run(
        [*command, "--builtin-schema", schema, str(document)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("schema", "path", "break_it"),
    [
        # A job key misspelt, and a stage given as a list.
        (
            "vendor.gitlab-ci",
            GITLAB,
            lambda doc: doc["deploy"].update(scrpit=doc["deploy"].pop("script"), stage=["x"]),
        ),
        # `needs` as a number instead of a job name or a list of them.
        (
            "vendor.github-workflows",
            GITHUB,
            lambda doc: doc["jobs"]["deploy"].update(needs=3),
        ),
    ],
    ids=["gitlab-ci", "github-workflow"],
)
def test_pipeline_is_valid_against_its_published_schema(schema, path, break_it, tmp_path):
    result = check_jsonschema(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = copy.deepcopy(yaml.safe_load(path.read_text()))
    break_it(broken)
    copy_path = tmp_path / path.name
    copy_path.write_text(yaml.safe_dump(broken))
    refused = check_jsonschema(schema, copy_path)
    assert refused.returncode == 1, refused.stdout


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    return re.search(r"^(make test)\s+#", readme, flags=re.M)[1]


def test_gitlab_tests_with_the_readme_command_on_postgres_and_redis_services():
    ci = gitlab()
    assert ci["stages"] == ["test", "deploy"]
    job = ci["test"]
    assert job["stage"] == "test"
    assert _readme_test_command() in job["script"]
    services = {s["alias"]: s["name"] for s in job["services"]}
    assert services["postgres"].startswith("postgres:16")
    assert services["redis"].startswith("redis:")
    assert job["variables"]["DATABASE_URL"].startswith("postgres://postgres@postgres:5432/")
    assert job["variables"]["REDIS_URL"].startswith("redis://redis:6379/")
    assert ci["lint"]["stage"] == "test" and "make lint" in ci["lint"]["script"]


def test_gitlab_deploys_the_default_branch_after_the_tests_like_the_original():
    ci = gitlab()
    job = ci["deploy"]
    assert job["stage"] == "deploy"
    assert set(job["needs"]) == {"lint", "test"}
    assert [r["if"] for r in job["rules"]] == [
        '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"'
    ]
    assert job["image"].startswith("alpine:")
    assert job["before_script"] == ["apk add --no-cache openssh-client rsync curl"]
    # The deploy, then the readiness check of the deployed host.
    assert job["script"] == ["scripts/deploy release", "scripts/deploy ready"]
    assert job["environment"]["name"] == "production"
    assert job["resource_group"] == "production"
    rollback = ci["rollback"]
    assert rollback["rules"][0]["when"] == "manual"
    assert rollback["script"][0] == "scripts/deploy rollback"


def test_github_workflow_is_the_same_pipeline_with_environment_secrets():
    wf = github()
    jobs = wf["jobs"]
    assert wf["permissions"] == {"contents": "read"}
    test = jobs["test"]
    assert any(step.get("run") == _readme_test_command() for step in test["steps"])
    assert set(test["services"]) == {"postgres", "redis"}
    assert test["env"]["DATABASE_URL"].startswith("postgres://postgres@127.0.0.1:5432/")
    deploy = jobs["deploy"]
    assert set(deploy["needs"]) == {"lint", "test"}
    assert "github.ref_name == github.event.repository.default_branch" in deploy["if"]
    assert deploy["environment"]["name"] == "production"
    assert deploy["concurrency"] == {"group": "production", "cancel-in-progress": False}
    runs = [step["run"] for step in deploy["steps"] if "run" in step]
    assert runs == ["scripts/deploy release", "scripts/deploy rollback", "scripts/deploy ready"]
    env = deploy["env"]
    assert set(env) == DEPLOY_SECRETS | DEPLOY_SETTINGS
    for name in DEPLOY_SECRETS:
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    for name in DEPLOY_SETTINGS:
        assert env[name] == f"${{{{ vars.{name} }}}}"


def test_both_pipelines_pass_exactly_the_variables_scripts_deploy_reads():
    script = DEPLOY_SCRIPT.read_text()
    read = set(re.findall(r"\$\{(DEPLOY_[A-Z_]+)", script))
    assert read == DEPLOY_SECRETS | DEPLOY_SETTINGS
    # GitLab: none of them is set in the file; they come from protected, masked variables.
    ci = gitlab()
    defined = set(ci.get("variables", {}))
    for job in ci.values():
        if isinstance(job, dict):
            defined |= set(job.get("variables", {}))
    assert not defined & read
    assert set(github()["jobs"]["deploy"]["env"]) == read


def test_known_hosts_are_pinned_not_scanned():
    for path in (GITLAB, GITHUB, DEPLOY_SCRIPT):
        code = [line.split("#")[0] for line in path.read_text().splitlines()]
        assert not [line for line in code if "ssh-keyscan" in line], path
    script = DEPLOY_SCRIPT.read_text()
    assert "StrictHostKeyChecking=yes" in script
    assert "StrictHostKeyChecking=no" not in script


def test_no_secret_is_committed():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    private_key = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
    offenders = []
    for name in filter(None, files):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if private_key.search(text):
            offenders.append(name)
    assert offenders == []
    assert ".env" not in files


def test_the_deploy_scripts_pass_shellcheck(tmp_path):
    """They run under Alpine's busybox sh in CI and dash on the host: POSIX sh, lint-clean."""
    cli = Path(sys.executable).with_name("shellcheck")
    scripts = [DEPLOY_SCRIPT, ROOT / "deploy" / "release.sh", ROOT / "deploy" / "entrypoint.sh"]
    for script in scripts:
        assert script.read_text().startswith("#!/bin/sh\n"), script
    result = subprocess.run(
        [str(cli), "--shell=sh", *map(str, scripts)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
    # It does catch what would break: an unquoted path and a bash-only test.
    bad = tmp_path / "bad.sh"
    bad.write_text('#!/bin/sh\nrm -rf $DEPLOY_PATH/releases\n[[ -n "$1" ]] && echo ok\n')
    flagged = subprocess.run([str(cli), "--shell=sh", str(bad)], capture_output=True, text=True)
    assert "SC2086" in flagged.stdout and "SC3010" in flagged.stdout
