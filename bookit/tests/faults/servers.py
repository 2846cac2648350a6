"""Throwaway PostgreSQL, redis-server and gunicorn on loopback, to break on purpose.

The fault tests and bench/faults.py stop, kill -9 and SIGSTOP these (by their own PIDs, never
the shared services on 5432/6379). Each binds a free port picked at run time.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else (shutil.which(name) or name)


def available() -> str | None:
    """Why these tests cannot run here, or None."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if not os.path.exists(pg_bin("initdb")):
        return "PostgreSQL server binaries (initdb) are not installed"
    return None


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _port_open(self.port), 10, "redis-server")
        return self

    def pause(self) -> None:
        """SIGSTOP: the socket still accepts, nothing answers (a hung server or a partition)."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)

    stop = kill


class Postgres:
    """initdb in a temp dir, own port; as the postgres user when run as root (initdb refuses)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bookit-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, check=check
        )

    def init(self) -> "Postgres":
        self._run(
            pg_bin("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C",
        )
        return self

    def start(self) -> "Postgres":
        # fsync=off is safe here: we kill processes, not the machine, so the OS page cache
        # survives. synchronous_commit stays on: with it off a kill -9 loses acknowledged
        # commits still in the WAL buffers (the crash test caught exactly that).
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        command = [
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        ]
        for _attempt in range(5):
            if self._run(*command, check=False).returncode == 0:
                return self
            time.sleep(0.5)  # e.g. a killed backend's shared memory not yet released
        raise RuntimeError("postgres did not start:\n" + self.log.read_text()[-3000:])

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def stop(self) -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def kill9(self) -> None:
        """A crash: the postmaster and every backend die at once, no shutdown."""
        pid = self.postmaster_pid()
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        pids = [pid, *map(int, children.stdout.split())]
        for child in pids:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # Every backend must be gone (it holds the shared memory) before a restart can succeed.
        _wait(lambda: not any(Path(f"/proc/{p}").exists() for p in pids), 20, "postgres exit")
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    def createdb(self, name: str) -> str:
        self._run(
            pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )
        return self.url(name)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def app_env(*, database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """Production-like settings for a gunicorn under test (DEBUG off, plain HTTP on loopback)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="faults-" + "k3y0a1b2c3d4e5f6g7h8i9" * 3,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Gunicorn:
    """One web worker process as deploy/gunicorn.conf.py runs each of them: gthread, 8 threads.

    One worker (production runs two per container): a drill then reads one process's circuit
    breaker, warnings and connections.

    ``command`` replaces the plain gunicorn call (e.g. the entrypoint itself); the bind address
    is then passed as GUNICORN_BIND.
    """

    def __init__(
        self, env: dict[str, str], *, threads: int = 8, command: list[str] | None = None
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log: list[str] = []
        bind = f"127.0.0.1:{self.port}"
        if command is None:
            command = [
                str(Path(sys.executable).parent / "gunicorn"),
                "bookit.wsgi:application",
                "--bind",
                bind,
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--no-control-socket",
                "--error-logfile",
                "-",
            ]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": bind},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)

    def wait_ready(self, timeout: float = 90, path: str = "/healthz") -> "Gunicorn":
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + "".join(self.log))
            try:
                return request("GET", f"{self.base}{path}")[0] == 200
            except OSError:
                return False

        _wait(ready, timeout, "gunicorn")
        return self

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(method, url, *, data=None, form=None, headers=None, cookies=None, timeout=120):
    """(status, parsed JSON or text, response headers); never raises on HTTP errors."""
    headers = dict(headers or {})
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as response:
            status, raw, head = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, head = error.code, error.read(), error.headers
    text = raw.decode()
    if head.get("Content-Type", "").startswith("application/json"):
        return status, json.loads(text), head
    return status, text, head


SETUP_SCRIPT = """
import datetime as dt, json
from django.utils import timezone
from accounts.models import User
from reservations.policy import get_policy
from rest_framework_simplejwt.tokens import AccessToken
from seats.models import Floor, Seat
users = [User.objects.create_user(f"load{i}@example.com", "pw-" + "x" * 12, is_verified=True)
         for i in range(MEMBERS)]
floor = Floor.objects.create(name="Load")
seats = [Seat.objects.create(floor=floor, label=f"L{i}", x=i, y=0) for i in range(SEATS)]
policy = get_policy()
policy.advance_days = 60
policy.max_upcoming = 1000
policy.save()
print(json.dumps({"tokens": [str(AccessToken.for_user(u)) for u in users],
                  "seats": [s.pk for s in seats]}))
"""


def seed(env: dict[str, str], *, members: int, seats: int) -> dict:
    """Members with access tokens (long-lived enough for a run) and seats, in the app's DB."""
    env = {**env, "JWT_ACCESS_MINUTES": "120"}
    out = manage(env, "shell", "-c", f"MEMBERS, SEATS = {members}, {seats}\n" + SETUP_SCRIPT)
    return json.loads(out.strip().splitlines()[-1])
