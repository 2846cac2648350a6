"""deploy/release.sh (on the host) and scripts/deploy (in CI), run for real.

There is no Docker engine here, so `docker` is a small stand-in on PATH that records its calls
and keeps "images" as files; everything else is real: the release directories, the `current`
symlink, the rendered .env, rollback, pruning, and, in the end-to-end test, a real OpenSSH
server on loopback with a pinned host key, rsync over SSH and the /readyz check.
"""

import base64
import getpass
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .stack import ROOT

FAKE_DOCKER = """#!/bin/sh
echo "$(pwd) $*" >> "$FAKE_DOCKER_LOG"
case "$1 $2" in
  "image inspect") [ -f "$FAKE_DOCKER_IMAGES/${3#bookit:}" ]; exit $? ;;
  "image rm") rm -f "$FAKE_DOCKER_IMAGES/${3#bookit:}"; exit 0 ;;
  "compose up")
    [ -f docker-compose.yml ] || { echo "no docker-compose.yml in $(pwd)" >&2; exit 1; }
    tag=$(sed -n 's/^BOOKIT_RELEASE=//p' .env)
    case " $* " in *" --build "*) touch "$FAKE_DOCKER_IMAGES/$tag" ;; esac
    [ -f "$FAKE_DOCKER_IMAGES/$tag" ] || { echo "image bookit:$tag missing" >&2; exit 1; }
    [ -z "${FAKE_DOCKER_FAIL:-}" ] || { echo "container failed to start" >&2; exit 1; }
    echo "$tag" > "$FAKE_DOCKER_IMAGES/running" ;;
esac
"""
IDS = ["20310314090000-aaaaaaaa", "20310314100000-bbbbbbbb", "20310314110000-cccccccc"]


class Host:
    """A deploy host's directory layout plus the stand-in docker."""

    def __init__(self, tmp_path: Path) -> None:
        self.base = tmp_path / "srv" / "bookit"
        (self.base / "shared").mkdir(parents=True)
        (self.base / "releases").mkdir()
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        (self.bin / "docker").write_text(FAKE_DOCKER)
        (self.bin / "docker").chmod(0o755)
        self.images = tmp_path / "images"
        self.images.mkdir()
        self.log = tmp_path / "docker.log"
        self.env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "FAKE_DOCKER_LOG": str(self.log),
            "FAKE_DOCKER_IMAGES": str(self.images),
        }

    def write_secrets(self) -> None:
        (self.base / "shared" / ".env").write_text("SECRET_KEY=s3cret\nBOOKIT_RELEASE=stale\n")

    def add_release(self, release_id: str) -> Path:
        tree = self.base / "releases" / release_id
        (tree / "deploy").mkdir(parents=True)
        shutil.copy2(ROOT / "deploy" / "release.sh", tree / "deploy" / "release.sh")
        shutil.copy2(ROOT / "docker-compose.yml", tree / "docker-compose.yml")
        return tree

    def run(self, script: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(script), *args],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def current(self) -> str | None:
        link = self.base / "current"
        return os.readlink(link) if link.is_symlink() else None

    def docker_calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def running(self) -> str:
        return (self.images / "running").read_text().strip()


@pytest.fixture
def host(tmp_path) -> Host:
    return Host(tmp_path)


def test_first_activation_needs_the_hosts_env_file(host):
    tree = host.add_release(IDS[0])
    result = host.run(tree / "deploy" / "release.sh", "activate", IDS[0])
    assert result.returncode == 1
    assert "shared/.env: copy .env.example there" in result.stderr
    assert host.current() is None and host.docker_calls() == []


def test_activate_builds_starts_and_switches_current_without_compose_down(host):
    host.write_secrets()
    for release_id in IDS[:2]:
        tree = host.add_release(release_id)
        result = host.run(tree / "deploy" / "release.sh", "activate", release_id)
        assert result.returncode == 0, result.stderr
        assert host.current() == f"releases/{release_id}"
        assert host.running() == release_id
        env = (tree / ".env").read_text()
        # The host's secrets, with this release's image tag instead of any other.
        assert env == f"SECRET_KEY=s3cret\nBOOKIT_RELEASE={release_id}\n"
        assert (tree / ".env").stat().st_mode & 0o777 == 0o600
    ups = [c for c in host.docker_calls() if " compose " in c]
    assert ups == [
        f"{host.base}/releases/{IDS[0]} compose up -d --build --remove-orphans",
        f"{host.base}/releases/{IDS[1]} compose up -d --build --remove-orphans",
    ]
    assert not [c for c in host.docker_calls() if "down" in c.split()]
    listing = host.run(host.base / "current" / "deploy" / "release.sh", "list").stdout
    assert listing.splitlines() == [f"  {IDS[0]}", f"* {IDS[1]}"]


def test_rollback_starts_the_previous_release_from_its_kept_image(host):
    host.write_secrets()
    for release_id in IDS[:2]:
        tree = host.add_release(release_id)
        assert host.run(tree / "deploy" / "release.sh", "activate", release_id).returncode == 0

    result = host.run(host.base / "current" / "deploy" / "release.sh", "rollback")

    assert result.returncode == 0, result.stderr
    assert f"rolling back from {IDS[1]} to {IDS[0]}" in result.stdout
    assert host.current() == f"releases/{IDS[0]}" and host.running() == IDS[0]
    # No rebuild: the image of that release was kept.
    last = host.docker_calls()[-1]
    assert last == f"{host.base}/releases/{IDS[0]} compose up -d --remove-orphans"
    # Nothing older is kept: a second rollback refuses and leaves everything as it is.
    again = host.run(host.base / "current" / "deploy" / "release.sh", "rollback")
    assert again.returncode == 1 and "no release older than" in again.stderr
    assert host.current() == f"releases/{IDS[0]}"


def test_a_release_that_fails_to_start_leaves_current_on_the_previous_one(host):
    host.write_secrets()
    tree = host.add_release(IDS[0])
    assert host.run(tree / "deploy" / "release.sh", "activate", IDS[0]).returncode == 0
    bad = host.add_release(IDS[1])
    result = host.run(bad / "deploy" / "release.sh", "activate", IDS[1], FAKE_DOCKER_FAIL="1")
    assert result.returncode != 0
    assert host.current() == f"releases/{IDS[0]}"


def test_old_releases_and_their_images_are_pruned_but_never_the_running_one(host):
    host.write_secrets()
    for release_id in IDS:
        tree = host.add_release(release_id)
        result = host.run(tree / "deploy" / "release.sh", "activate", release_id, KEEP_RELEASES="2")
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (host.base / "releases").iterdir()) == IDS[1:]
    assert not (host.images / IDS[0]).exists() and (host.images / IDS[2]).exists()
    # Rolled back past what KEEP_RELEASES keeps, the running release still stays.
    script = host.base / "current" / "deploy" / "release.sh"
    rollback = host.run(script, "rollback", KEEP_RELEASES="1")
    assert rollback.returncode == 0, rollback.stderr
    assert host.current() == f"releases/{IDS[1]}"
    assert sorted(p.name for p in (host.base / "releases").iterdir()) == IDS[1:]
    unknown = host.run(script, "deploy-everything")
    assert unknown.returncode == 1 and "usage: release.sh" in unknown.stderr


# --- end to end: scripts/deploy over a real SSH server -------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True, timeout=30
    )


class _Ready(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = b'{"status": "ok", "database": "ok", "cache": "ok"}'
        self.send_response(self.status if self.path == "/readyz" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def sshd(tmp_path, host):
    """OpenSSH's sshd on a free loopback port, its PATH pointing at the stand-in docker."""
    binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(binary).exists() or not shutil.which("rsync"):
        pytest.skip("needs sshd and rsync (scripts/ensure-system-deps installs them)")
    if os.geteuid() != 0:
        pytest.skip("sshd needs root to open a session")
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    keys = tmp_path / "keys"
    keys.mkdir()
    _keygen(keys / "host")
    _keygen(keys / "client")
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    port = _free_port()
    path = f"{host.bin}:/usr/bin:/bin"
    (keys / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPidFile {keys / 'sshd.pid'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        f"SetEnv PATH={path} FAKE_DOCKER_LOG={host.log} FAKE_DOCKER_IMAGES={host.images}\n"
    )
    proc = subprocess.Popen(
        [binary, "-D", "-e", "-f", str(keys / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "sshd.log").open("w"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert proc.poll() is None, (tmp_path / "sshd.log").read_text()
        time.sleep(0.1)
    host_key = " ".join((keys / "host.pub").read_text().split()[:2])
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEPLOY_HOST": "127.0.0.1",
        "DEPLOY_PORT": str(port),
        "DEPLOY_USER": getpass.getuser(),
        "DEPLOY_PATH": str(host.base),
        "DEPLOY_SSH_KEY": base64.b64encode((keys / "client").read_bytes()).decode(),
        "DEPLOY_KNOWN_HOSTS": f"[127.0.0.1]:{port} {host_key}",
    }
    yield env
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def deploy(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "deploy"), *args],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_scripts_deploy_ships_activates_checks_and_rolls_back_over_ssh(sshd, host):
    host.write_secrets()
    first = deploy(sshd, "release", RELEASE_ID=IDS[0])
    assert first.returncode == 0, first.stdout + first.stderr
    tree = host.base / "releases" / IDS[0]
    assert (tree / "manage.py").is_file() and (tree / "deploy" / "release.sh").is_file()
    # rsync without history, local state or secrets; the .env is the rendered one.
    assert not (tree / ".git").exists() and not (tree / ".dev-secret-key").exists()
    assert (tree / ".env").read_text().endswith(f"BOOKIT_RELEASE={IDS[0]}\n")
    assert host.current() == f"releases/{IDS[0]}" and host.running() == IDS[0]

    second = deploy(sshd, "release", RELEASE_ID=IDS[1])
    assert second.returncode == 0, second.stdout + second.stderr
    # --link-dest: an unchanged file is a hard link to the running release's copy.
    assert (host.base / "releases" / IDS[1] / "manage.py").stat().st_ino == (
        (tree / "manage.py").stat().st_ino
    )
    assert host.running() == IDS[1]

    back = deploy(sshd, "rollback")
    assert back.returncode == 0, back.stdout + back.stderr
    assert host.current() == f"releases/{IDS[0]}" and host.running() == IDS[0]


def test_scripts_deploy_refuses_a_host_whose_key_is_not_the_pinned_one(sshd, host, tmp_path):
    host.write_secrets()
    _keygen(tmp_path / "impostor")
    impostor = " ".join((tmp_path / "impostor.pub").read_text().split()[:2])
    pinned_elsewhere = f"[127.0.0.1]:{sshd['DEPLOY_PORT']} {impostor}"
    result = deploy(sshd, "release", RELEASE_ID=IDS[0], DEPLOY_KNOWN_HOSTS=pinned_elsewhere)
    assert result.returncode != 0
    assert "Host key verification failed" in result.stderr
    assert list((host.base / "releases").iterdir()) == []


def test_scripts_deploy_ready_waits_for_readyz(sshd):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        _Ready.status = 200
        ok = deploy(sshd, "ready", DEPLOY_URL=url)
        assert ok.returncode == 0, ok.stderr
        assert '"database": "ok"' in ok.stdout
        _Ready.status = 503
        down = deploy(sshd, "ready", DEPLOY_URL=url, READY_TIMEOUT="0")
        assert down.returncode == 1 and "/readyz did not answer 200" in down.stderr
    finally:
        server.shutdown()
        server.server_close()
