"""Profile one hot endpoint in process: the app's WSGI handler (production settings, DEBUG=0,
Redis) or the raw baseline, called directly with a prepared request, no HTTP server.

    python bench/web/inproc.py --data bench/.data/10k.json availability [--raw] [-n 200]
        [--cprofile 30]          # top 30 functions by cumulative time
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/web/inproc.py --data bench/.data/10k.json healthz -n 100

Without --cprofile it prints the mean wall time per request (after a warm-up), which on a
loaded machine is noisy. Instructions per request do not depend on the load: run callgrind
with -n 0 and -n 100 and divide the difference of the totals by 100 (bench/web/instructions.sh).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("endpoint", choices=["healthz", "availability", "map", "booking"])
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--cprofile", type=int, default=0)
    parser.add_argument("--sql", action="store_true", help="print one request's statements")
    parser.add_argument(
        "--blocks",
        type=int,
        default=0,
        help="run N blocks of -n requests, calling getppid() around each: the marks where "
        "callgrind --dump-before=getppid cuts its counts (bench/web/instructions.sh)",
    )
    args = parser.parse_args()
    data = json.loads(Path(args.data).read_text())
    secret = secrets.token_urlsafe(40)
    from bench.web import run

    os.environ.update({**run.app_env(data, secret), "DJANGO_SETTINGS_MODULE": "bookit.settings"})
    tokens = run.resign(data, secret)
    session = run.viewer_session(data["viewer"])
    start, end = data["window"]
    day, s, e = data["window_local"]
    base = {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "SCRIPT_NAME": "",
    }
    if args.endpoint == "healthz":
        environ = {**base, "PATH_INFO": "/healthz", "QUERY_STRING": ""}
    elif args.endpoint == "availability":
        query = urllib.parse.urlencode({"start": start, "end": end})
        environ = {
            **base,
            "PATH_INFO": "/api/seat",
            "QUERY_STRING": query,
            "HTTP_AUTHORIZATION": f"Bearer {tokens['viewer']}",
        }
    elif args.endpoint == "map":
        query = urllib.parse.urlencode(
            [("date", day), ("start", s), ("end", e), ("floor", str(data["floor"]))]
        )
        environ = {
            **base,
            "PATH_INFO": "/",
            "QUERY_STRING": query,
            "HTTP_COOKIE": f"sessionid={session}",
        }
    else:
        environ = {**base, "REQUEST_METHOD": "POST", "PATH_INFO": "/api/reservations"}
    if args.raw:
        if args.endpoint == "map" and not os.environ.get("BENCH_MAP_SKELETON"):
            # run.py writes it (the app's page around the seats): BENCH_MAP_SKELETON=.../map.json
            raise SystemExit("the raw map needs run.py's skeleton (BENCH_MAP_SKELETON=map.json)")
        from bench.web import raw_app

        app = raw_app.app
    else:
        from bookit.wsgi import application

        app = application
    bookings = booking_bodies(data, tokens) if args.endpoint == "booking" else None

    def call(i: int) -> None:
        env = dict(environ)
        if bookings is not None:
            token, body = bookings[i % len(bookings)]
            env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            env["CONTENT_TYPE"] = "application/json"
            env["CONTENT_LENGTH"] = str(len(body))
            env["wsgi.input"] = io.BytesIO(body)
        else:
            env["wsgi.input"] = io.BytesIO(b"")
        status = []
        result = app(env, lambda s, h, *a: status.append(s))
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        if not status[0].startswith(("200", "201")):
            raise SystemExit(f"{args.endpoint}: {status[0]}")

    import psycopg

    clean = psycopg.connect(data["url"], autocommit=True)

    def clean_bookings() -> None:
        run.clean_run(clean, data)

    def request(i: int) -> None:
        """Request ``i``; a booking that would take the first slot again starts from the
        data set's tables (every seat and slot is taken after one pass)."""
        if bookings and i % len(bookings) == 0:
            clean_bookings()
        call(i)

    clean_bookings()
    warm = 20
    for i in range(warm):
        call(i)
    offset = warm
    if args.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            call(offset)
        offset += 1
        for captured in queries.captured_queries:
            print(f"{captured['time']}  {captured['sql'][:400]}")
        print(f"{len(queries)} statements")
    if args.cprofile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    if args.blocks:
        for _block in range(args.blocks):
            for _ in range(5):  # a few requests between blocks: none is counted
                request(offset)
                offset += 1
            os.getppid()
            for i in range(args.n):
                request(offset + i)
            os.getppid()
            offset += args.n
        clean_bookings()
        return
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(args.n):
        request(offset + i)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.cprofile:
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(args.cprofile)
        stats.sort_stats("tottime").print_stats(args.cprofile)
        print(out.getvalue())
        by_module: dict[str, float] = {}
        for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
            parts = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "").split("/")
            key = "/".join(parts[:2]) if len(parts) > 1 else parts[0]
            by_module[key] = by_module.get(key, 0.0) + row[2]
        print("own time by module (ms per request):")
        for key, total in sorted(by_module.items(), key=lambda kv: -kv[1])[:25]:
            print(f"  {total / max(args.n, 1) * 1000:7.3f}  {key}")
    clean_bookings()
    who = "raw" if args.raw else "app"
    n = max(args.n, 1)
    print(
        f"{args.endpoint} ({who}): {elapsed / n * 1000:.3f} ms per request, "
        f"{cpu / n * 1000:.3f} ms of this process's CPU, n={args.n}"
    )


def booking_bodies(data: dict, tokens: dict) -> list[tuple[str, bytes]]:
    """(token, body) pairs as booking.lua makes them: member k books seat k % 200, slot k // 200."""
    slots = run_slots(data)
    members = tokens["members"]
    seats = data["seats"]
    out = []
    for k in range(min(len(members), len(seats) * len(slots))):
        start, end = slots[k // len(seats)]
        body = json.dumps({"seat": seats[k % len(seats)], "start": start, "end": end}).encode()
        out.append((members[k], body))
        if len(out) >= 2000:
            break
    return out


def run_slots(data: dict) -> list[tuple[str, str]]:
    from bench.web import run

    return [tuple(line.split()) for line in run.slots(data).splitlines()]  # type: ignore[misc]


if __name__ == "__main__":
    main()
