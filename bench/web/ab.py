"""A/B: two builds of the app under gunicorn side by side, wrk rounds interleaved (alternating
which goes first), CPU per request from /proc (the servers' and the database backends') — for
"did this change help" on a loaded machine.

    python bench/web/ab.py --data bench/.data/10k.json availability \\
        --a root=/tmp/before --b root=.                     # two source trees
    python bench/web/ab.py --data bench/.data/10k.json map \\
        --a "root=/tmp/before,args=-c $PWD/bench/web/gcstats.conf.py" \\
        --b "args=-c $PWD/bench/web/gcstats.conf.py"
    python bench/web/ab.py --data bench/.data/10k.json booking --a root=/tmp/before --b root=.

A variant is comma-separated key=value: root= (source tree, default this one), app= (WSGI
target, e.g. bench.web.raw_app:app), args= (extra gunicorn arguments), anything else is an
environment variable of that server.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def variant(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in text.split(",") if item)


def main() -> None:
    from bench.web import run

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("endpoint", choices=["healthz", "availability", "map", "booking"])
    parser.add_argument("--a", type=variant, default={})
    parser.add_argument("--b", type=variant, default={})
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    data = json.loads(Path(args.data).read_text())
    secret = secrets.token_urlsafe(40)
    tokens = run.resign(data, secret)
    base = {**os.environ, **run.app_env(data, secret)}
    os.environ.update({k: base[k] for k in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL")})
    os.environ.update({k: base[k] for k in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")})
    session = run.viewer_session(data["viewer"])
    servers = []
    for spec in (args.a, args.b):
        root = str(Path(spec.get("root", ROOT)).resolve())
        env = {**base, **{k: v for k, v in spec.items() if k not in ("root", "app", "args")}}
        env["PYTHONPATH"] = root
        port = run.free_port()
        command = [*run.GUNICORN, *spec.get("args", "").split(), "--bind", f"127.0.0.1:{port}"]
        command.append(spec.get("app", "bookit.wsgi:application"))
        server = subprocess.Popen(command, cwd=root, env=env, stderr=subprocess.DEVNULL)
        servers.append((server, port))
    start, end = data["window"]
    day, s, e = data["window_local"]
    script, script_args = None, []
    if args.endpoint == "booking":  # run.py's booking load, each run from the same tables
        import psycopg

        script = Path(run.__file__).with_name("booking.lua")
        script_args = run.booking_files(data, tokens, Path(tempfile.mkdtemp(prefix="bookit-ab-")))
        conn = psycopg.connect(data["url"], autocommit=True)
    path, headers = {
        "booking": ("/api/reservations", []),
        "healthz": ("/healthz", []),
        "availability": (
            "/api/seat?" + urllib.parse.urlencode({"start": start, "end": end}),
            [f"Authorization: Bearer {tokens['viewer']}"],
        ),
        "map": (
            "/?"
            + urllib.parse.urlencode(
                [("date", day), ("start", s), ("end", e), ("floor", str(data["floor"]))]
            ),
            [f"Cookie: sessionid={session}"],
        ),
    }[args.endpoint]
    results: list[list[tuple[float, float, float]]] = [[], []]
    try:
        for _, port in servers:
            run.wait_up(port)
        for round_ in range(args.rounds):
            for which in (0, 1) if round_ % 2 == 0 else (1, 0):
                server, port = servers[which]
                if script is not None:
                    run.clean_after_wrk(conn, data)
                cpu, db_cpu = run.server_cpu(server.pid), run.database_cpu(data["url"])
                report = run.wrk(
                    port,
                    path,
                    seconds=args.seconds,
                    clients=32,
                    headers=headers,
                    script=script,
                    args=script_args,
                )
                served = max(report["rps"] * args.seconds, 1)
                results[which].append(
                    (
                        report["rps"],
                        (run.server_cpu(server.pid) - cpu) * 1000 / served,
                        run.database_cpu_since(db_cpu, data["url"]) * 1000 / served,
                    )
                )
            (ra, ca, da), (rb, cb, db) = results[0][-1], results[1][-1]
            print(
                f"round {round_ + 1}: A {ra:7.1f} rps {ca:6.2f} ms db {da:5.2f} | "
                f"B {rb:7.1f} rps {cb:6.2f} ms db {db:5.2f}"
            )
    finally:
        for server, _ in servers:
            server.terminate()
        for server, _ in servers:
            server.wait()
        if script is not None:
            run.clean_run(conn, data)
            conn.close()
    (rps_a, cpu_a, db_a), (rps_b, cpu_b, db_b) = (
        tuple(statistics.median(column) for column in zip(*runs, strict=True)) for runs in results
    )
    print(
        f"median: A {rps_a:.1f} rps {cpu_a:.2f} ms/req (database {db_a:.2f})"
        f" | B {rps_b:.1f} rps {cpu_b:.2f} ms/req (database {db_b:.2f})"
        f" | B/A rps {rps_b / rps_a:.2f}"
    )


if __name__ == "__main__":
    main()
