"""HTTP benchmark: the app under gunicorn (as deploy/entrypoint.sh runs it) against the raw
WSGI + psycopg baseline (bench/web/raw_app.py), both driven by wrk, runs interleaved.

For each endpoint and round it runs wrk against the app and against the raw app (alternating
which goes first), and prints requests/s, p50/p99 and the app/raw ratio; the figure to quote is
the median of the per-round ratios, which survives a machine loaded by other work. Before
measuring it checks that both servers give the same bytes (the map page: same bytes once the
per-request CSRF token is masked).

    python bench/web/run.py --data bench/.data/10k.json [--rounds 5] [--seconds 5]
    python bench/web/run.py --data bench/.data/1m.json --only availability   # scaling
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# Production's own settings (processes, threads, timeouts; deploy/gunicorn.conf.py), for both apps;
# only the access log is dropped.
GUNICORN = [
    str(ROOT / ".venv/bin/gunicorn"),
    "--config",
    str(ROOT / "deploy/gunicorn.conf.py"),
    "--access-logfile",
    "/dev/null",
    "--error-logfile",
    "-",
]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not start")


def fetch(port: int, path: str, headers: dict, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _found(match: re.Match[str] | None) -> re.Match[str]:
    if match is None:
        raise KeyError("pattern not found")
    return match


def parse_wrk(text: str) -> dict:
    def ms(value: str) -> float:
        number, unit = _found(re.match(r"([\d.]+)(us|ms|s)", value)).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", text, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(_found(re.search(r"Requests/sec:\s+([\d.]+)", text)).group(1)),
        "p50": ms(pct["50"]),
        "p99": ms(pct["99"]),
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def wrk(port: int, path: str, *, seconds: int, clients: int, headers=(), script=None, args=()):
    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    try:
        return parse_wrk(out)
    except (AttributeError, KeyError):
        raise SystemExit(f"could not read wrk's report:\n{out}") from None


def server_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by a gunicorn master's worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:  # ppid
                total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each PostgreSQL backend serving the database
    of ``url`` (their process titles name it), by process id. The server shares the machine's
    cores with the apps: a statement the app sends unprepared costs the database more planning
    than a prepared one. ``database_cpu_since`` turns two readings into the CPU used since."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: dict[int, float] = {}
    marker = f" {urllib.parse.urlsplit(url).path.lstrip('/')} ".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            title = cmdline.read_bytes()  # "postgres: 15/main: user database host(port) state"
            if not title.startswith(b"postgres: ") or marker not in title:
                continue
            fields = cmdline.with_name("stat").read_text().rsplit(")", 1)[1].split()
            used[int(cmdline.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def database_cpu_since(before: dict[int, float], url: str) -> float:
    """The CPU the database's backends used since the reading ``before``: the backends alive
    now, each from its earlier reading (or from its start). A backend that exited meanwhile
    (the app closes a connection after CONN_MAX_AGE) took what it used with it: not counted."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in database_cpu(url).items())


def map_skeleton(html: str, data: dict, out: Path) -> None:
    """The app's map page around its seat parts, for the raw page (see raw_app.floor_map)."""
    from django.urls import reverse
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    from seats.models import Floor, Seat

    html = CSRF.sub(r"\1CSRF\2", html)
    svg = html.index('<svg class="floor-map"')
    first = _found(re.compile(r'\n    \n      <(a|g) class="seat ').search(html, svg)).start()
    svg_end = html.index("\n</svg>", svg)
    body = html.index("<tbody>", svg_end) + len("<tbody>\n      ")
    tail = html.index("\n      </tbody>", body)
    head = html[:first]
    # The "my usual seat" paragraph depends on the member's bookings: computed per request.
    head = re.sub(
        r'\n  <p class="usual" id="usual-seat">.*?</p>\n', "@@usual@@", head, count=1, flags=re.S
    )
    for state in ("free", "busy", "mine"):
        head = re.sub(
            rf'(<span class="swatch {state}" aria-hidden="true"></span> [^(]*\()\d+\)',
            rf"\g<1>@@{state}@@)",
            head,
        )
    with translation.override(os.environ.get("BENCH_LANGUAGE", "ru")):
        text: dict[str, Any] = {
            "not available": _("not available"),
            "booked by you": _("booked by you"),
            "yours": _("yours"),
            "busy until": _("busy until %(time)s").replace("%(time)s", "%s"),
            "until": _("until %(time)s").replace("%(time)s", "%s"),
            "free": _("free"),
            "Book": _("Book"),
            "Book seat": _("Book seat %(seat)s, %(window)s"),
            "favourite": _("favourite"),
            "Join the waitlist": escape(_("Join the waitlist")),
            "Join the waitlist for seat": _("Join the waitlist for seat %(seat)s, %(window)s"),
            "Book my usual seat": _("Book my usual seat %(seat)s").replace("%(seat)s", "{seat}"),
            "My usual seat": _("My usual seat %(seat)s").replace("%(seat)s", "{seat}"),
            "My usual seat on": _("My usual seat %(seat)s (%(floor)s)")
            .replace("%(seat)s", "{seat}")
            .replace("%(floor)s", "{floor}"),
            "floor names": {f.name: f.display_name for f in Floor.objects.all()},
            "kinds": {k: str(v) for k, v in Seat.Kind.choices},
            "amenities": {k: str(v) for k, v in Seat.Amenity.choices},
        }
        window_label = _found(re.search(r'<span class="window">([^<]*)</span>', html)).group(1)
        text["Book seat"] = text["Book seat"].replace("%(window)s", window_label)
        text["Book seat"] = text["Book seat"].replace("%(seat)s", "{seat}")
        wait = text["Join the waitlist for seat"].replace("%(window)s", window_label)
        text["Join the waitlist for seat"] = wait.replace("%(seat)s", "{seat}")
        list_url = reverse("reservations:list")
        join_url = escape(reverse("reservations:waitlist-join"))
    day, start, end = data["window_local"]
    query = urllib.parse.urlencode(
        [("date", day), ("start", start), ("end", end), ("floor", str(data["floor"]))]
    )
    out.write_text(
        json.dumps(
            {
                "head": head,
                "middle": html[svg_end:body],
                "tail": html[tail:],
                "text": text,
                "window": data["window"],
                "floor": data["floor"],
                "base_query": escape(query),
                "list_url": list_url,
                "join_url": join_url,
                "usual_query": escape(
                    urllib.parse.urlencode([("date", day), ("start", start), ("end", end)])
                ),
            }
        )
    )


def app_env(data: dict, secret: str) -> dict[str, str]:
    """The app's environment as production sets it (DEBUG off, Redis) on the data set's
    database, throttles raised so the load generator is not refused; the raw app reads the
    same database."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": data["url"],
        "BENCH_DATABASE_URL": data["url"],
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "THROTTLE_USER": "100000000/min",
        "THROTTLE_BOOKING": "100000000/min",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--only", default="healthz,availability,map,booking")
    parser.add_argument("--results", default="")
    parser.add_argument(
        "--app-root",
        default=str(ROOT),
        help="source tree of the app to measure, e.g. `git archive main` unpacked (before/after)",
    )
    args = parser.parse_args()
    data = json.loads(Path(args.data).read_text())
    work = Path(tempfile.mkdtemp(prefix="bookit-bench-"))
    secret = secrets.token_urlsafe(40)
    env = {
        **os.environ,
        **app_env(data, secret),
        "BENCH_MAP_SKELETON": str(work / "map.json"),
        "PYTHONPATH": str(ROOT),
    }
    # The dataset's tokens were signed with the dataset run's key; re-sign them with this one.
    tokens = resign(data, secret)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL")})
    os.environ.update({k: env[k] for k in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")})
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=args.app_root,
        env={**env, "PYTHONPATH": args.app_root},
        check=True,
    )
    data["session"] = viewer_session(data["viewer"])
    app_port, raw_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{app_port}", "bookit.wsgi:application"],
            cwd=args.app_root,
            env={**env, "PYTHONPATH": args.app_root},
        ),
        subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{raw_port}", "bench.web.raw_app:app"],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        wait_up(app_port)
        wait_up(raw_port)
        pids = {"app": servers[0].pid, "raw": servers[1].pid}
        results = measure(args, data, tokens, work, app_port, raw_port, pids)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    report(results, data)
    if args.results:
        Path(args.results).write_text(json.dumps({"data": args.data, "results": results}))


def viewer_session(user_id: int) -> str:
    """A logged-in session of the viewer, signed with this run's SECRET_KEY."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    session = SessionStore()
    session[SESSION_KEY] = str(user_id)
    session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = User.objects.get(pk=user_id).get_session_auth_hash()
    session.create()
    return str(session.session_key)


def resign(data: dict, secret: str) -> dict:
    import jwt

    def again(token: str) -> str:
        claims = jwt.decode(token, options={"verify_signature": False})
        return jwt.encode(claims, secret, algorithm="HS256")

    return {
        "viewer": again(data["viewer_token"]),
        "members": [again(t) for t in data["member_tokens"]],
    }


def measure(
    args, data, tokens, work: Path, app_port: int, raw_port: int, pids: dict[str, int]
) -> dict:
    import psycopg

    start, end = data["window"]
    avail = "/api/seat?" + urllib.parse.urlencode({"start": start, "end": end})
    day, s, e = data["window_local"]
    map_path = "/?" + urllib.parse.urlencode(
        [("date", day), ("start", s), ("end", e), ("floor", str(data["floor"]))]
    )
    bearer = f"Authorization: Bearer {tokens['viewer']}"
    cookie = f"Cookie: sessionid={data['session']}"

    # Same answers first.
    status, app_json = fetch(app_port, avail, {"Authorization": bearer.split(": ", 1)[1]})
    _, raw_json = fetch(raw_port, avail, {"Authorization": bearer.split(": ", 1)[1]})
    assert status == 200, app_json[:300]
    same = app_json == raw_json
    print(f"availability: app and raw bytes identical: {same} ({len(app_json)} bytes)")
    checks = {"availability_identical": same}
    if "map" in args.only:
        status, page = fetch(app_port, map_path, {"Cookie": cookie.split(": ", 1)[1]})
        assert status == 200, page[:300]
        map_skeleton(page.decode(), data, work / "map.json")
        _, raw_page = fetch(raw_port, map_path, {"Cookie": cookie.split(": ", 1)[1]})
        app_masked = CSRF.sub(r"\1CSRF\2", page.decode())
        same = app_masked == raw_page.decode()
        print(f"map page: identical but for the CSRF token: {same} ({len(page)} bytes)")
        if not same:
            (work / "app.html").write_text(app_masked)
            (work / "raw.html").write_text(raw_page.decode())
            print(f"  diff {work}/app.html {work}/raw.html")
        checks["map_identical"] = same

    files = booking_files(data, tokens, work) if "booking" in args.only else []
    conn = psycopg.connect(data["url"], autocommit=True)

    def clean_bookings() -> None:
        clean_after_wrk(conn, data)

    endpoints: dict[str, dict[str, Any]] = {
        "healthz": dict(path="/healthz"),
        "availability": dict(path=avail, headers=[bearer]),
        "map": dict(path=map_path, headers=[cookie]),
        "booking": dict(path="/api/reservations", script=Path(__file__).with_name("booking.lua")),
    }
    results: dict = {"checks": checks}
    for name in args.only.split(","):
        spec = endpoints[name]
        extra = {"args": files} if name == "booking" else {}
        runs = []
        for round_ in range(args.rounds):
            pair = {}
            order = [("app", app_port), ("raw", raw_port)]
            for who, port in order if round_ % 2 == 0 else order[::-1]:
                if name == "booking":
                    clean_bookings()
                cpu, db_cpu = server_cpu(pids[who]), database_cpu(data["url"])
                pair[who] = wrk(
                    port,
                    spec["path"],
                    seconds=args.seconds,
                    clients=args.clients,
                    headers=spec.get("headers", ()),
                    script=spec.get("script"),
                    **extra,
                )
                # The server's own CPU per answered request: what the ratio is made of when the
                # app, not PostgreSQL or the machine, is the bottleneck.
                served = max(pair[who]["rps"] * args.seconds, 1)
                pair[who]["cpu_ms"] = (server_cpu(pids[who]) - cpu) * 1000 / served
                # PostgreSQL's, on the same cores: what the app's statements cost the server.
                pair[who]["db_ms"] = database_cpu_since(db_cpu, data["url"]) * 1000 / served
            pair["ratio"] = pair["app"]["rps"] / pair["raw"]["rps"]
            runs.append(pair)
            a, r = pair["app"], pair["raw"]
            print(
                f"{name:<13} round {round_ + 1}: app {a['rps']:8.1f} rps p50 {a['p50']:7.2f} "
                f"p99 {a['p99']:7.2f} ms | raw {r['rps']:8.1f} rps p50 {r['p50']:7.2f} p99 "
                f"{r['p99']:7.2f} ms | ratio {pair['ratio']:.2f} | CPU ms/req app "
                f"{a['cpu_ms']:.2f} raw {r['cpu_ms']:.2f} | database app {a['db_ms']:.2f} "
                f"raw {r['db_ms']:.2f}"
                + (
                    f"  non-2xx app {a['non2xx']} raw {r['non2xx']}"
                    if a["non2xx"] or r["non2xx"]
                    else ""
                )
            )
        results[name] = runs
    if "booking" in args.only:
        clean_bookings()
    conn.close()
    return results


def booking_files(data: dict, tokens: dict, work: Path) -> list[str]:
    """booking.lua's arguments: the members' tokens, the slots and the seats, each a file in
    ``work``."""
    (work / "tokens").write_text("\n".join(tokens["members"]) + "\n")
    (work / "slots").write_text(slots(data))
    (work / "seats").write_text("\n".join(map(str, data["seats"])) + "\n")
    return [str(work / name) for name in ("tokens", "slots", "seats")]


def clean_after_wrk(conn, data: dict) -> None:
    """clean_run once the server has finished the requests wrk left in flight."""
    time.sleep(1)
    clean_run(conn, data)


def clean_run(conn, data: dict) -> None:
    """Every run starts from the same tables: the bookings made by earlier runs and the outbox
    rows they wrote (the data set has none; left in place they grew by thousands a run)."""
    conn.execute(
        "DELETE FROM reservations_reservation WHERE start >= %s::date", (data["book_from"],)
    )
    conn.execute("DELETE FROM integrations_notificationdelivery")
    conn.execute(
        "DELETE FROM integrations_notification n WHERE NOT EXISTS"
        " (SELECT 1 FROM integrations_notificationdelivery d WHERE d.notification_id = n.id)"
    )


def slots(data) -> str:
    """Slot windows for booking.lua: 26 half-hour slots a day (08:00-21:00) from book_from."""
    import datetime as dt
    import zoneinfo

    tz = zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Moscow"))
    first = dt.date.fromisoformat(data["book_from"])
    lines = []
    for n in range(26 * 10):
        day = first + dt.timedelta(days=n // 26)
        start = dt.datetime.combine(day, dt.time(8), tz) + dt.timedelta(minutes=30 * (n % 26))
        lines.append(f"{start.isoformat()} {(start + dt.timedelta(minutes=30)).isoformat()}")
    return "\n".join(lines) + "\n"


def report(results: dict, data: dict) -> None:
    print(f"\n{data['reservations']} reservations, {len(data['seats'])} seats; medians of rounds")
    print(
        f"{'endpoint':<13} {'app rps':>9} {'raw rps':>9} {'app p50':>8} {'app p99':>8} "
        f"{'raw p50':>8} {'raw p99':>8} {'p99/p50':>7} {'ratio':>6} {'CPU app':>8} {'CPU raw':>8} "
        f"{'DB app':>7} {'DB raw':>7}"
    )
    for name, runs in results.items():
        if name == "checks":
            continue

        def med(who, key, runs=runs):
            return statistics.median(r[who][key] for r in runs)

        print(
            f"{name:<13} {med('app', 'rps'):9.1f} {med('raw', 'rps'):9.1f} "
            f"{med('app', 'p50'):8.2f} {med('app', 'p99'):8.2f} {med('raw', 'p50'):8.2f} "
            f"{med('raw', 'p99'):8.2f} {med('app', 'p99') / med('app', 'p50'):7.2f} "
            f"{statistics.median(r['ratio'] for r in runs):6.2f} "
            f"{med('app', 'cpu_ms'):8.2f} {med('raw', 'cpu_ms'):8.2f} "
            f"{med('app', 'db_ms'):7.2f} {med('raw', 'db_ms'):7.2f}"
        )


if __name__ == "__main__":
    main()
