"""Latency and throughput under faults, against gunicorn as production runs it.

Starts its own PostgreSQL (initdb in a temp dir), redis-server and gunicorn (gthread, 8 threads
as deploy/gunicorn.conf.py; one worker process, where production runs two per container, so the
figures are one process's) on free loopback ports, then runs the same load per scenario:
- normal
- Redis down (killed for the whole run)
- Redis hung (SIGSTOP for the whole run: connections accepted, nothing answered)
- PostgreSQL restarted mid-load (pg_ctl stop -m fast, then start, a third into the run)
each followed by a normal run; "vs normal" is against the mean of the normal runs around it.
Load: CLIENTS threads, each a member with its own seat, 3 map reads (GET /api/seat for a window)
per booking (POST /api/reservations in a slot nobody else takes). Throttles are raised out of the
way (this measures faults, not rate limits). Prints figures; asserts nothing.

    .venv/bin/python bench/faults.py [--seconds 8] [--clients 16]
"""

import argparse
import datetime as dt
import statistics
import sys
import threading
import time
import zoneinfo
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bookit.tests.faults import servers  # noqa: E402

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


class Load:
    def __init__(self, base: str, data: dict, clients: int) -> None:
        self.base, self.data, self.clients = base, data, clients
        self.slots = [0] * clients
        self.day0 = dt.datetime.now(MSK).date() + dt.timedelta(days=2)

    def _booking(self, client: int) -> dict:
        slot = self.slots[client]
        self.slots[client] += 1
        start = dt.datetime.combine(
            self.day0 + dt.timedelta(days=slot // 14), dt.time(8 + slot % 14), MSK
        )
        return {
            "seat": self.data["seats"][client],
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
        }

    def run(self, seconds: float, during=None) -> dict:
        samples: list[tuple[float, int]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds
        window = self._booking(0)  # any window: the map read is the same for everyone
        seat_url = f"{self.base}/api/seat?start={window['start']}&end={window['end']}".replace(
            "+", "%2B"
        )

        def client(i: int) -> None:
            headers = {"Authorization": f"Bearer {self.data['tokens'][i]}"}
            n = 0
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    if n % 4 == 3:
                        status = servers.request(
                            "POST",
                            f"{self.base}/api/reservations",
                            data=self._booking(i),
                            headers=headers,
                            timeout=60,
                        )[0]
                    else:
                        status = servers.request("GET", seat_url, headers=headers, timeout=60)[0]
                except OSError:
                    status = 0  # connection refused / reset
                with lock:
                    samples.append((time.perf_counter() - t0, status))
                n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(self.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        if during:
            during(seconds)
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        latencies = sorted(s[0] * 1000 for s in samples)
        return {
            "requests": len(samples),
            "rps": len(samples) / elapsed,
            "p50": statistics.median(latencies) if latencies else 0.0,
            "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0,
            "max": latencies[-1] if latencies else 0.0,
            "statuses": dict(sorted(Counter(s[1] for s in samples).items())),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    if reason := servers.available():
        sys.exit(f"cannot run: {reason}")

    pg, redis, app = servers.Postgres(), servers.Redis(), None
    try:
        pg.init().start()
        redis.start()
        env = servers.app_env(
            database_url=pg.createdb("bookit_bench"),
            redis_url=redis.url,
            THROTTLE_USER="1000000/min",
            THROTTLE_BOOKING="1000000/min",
        )
        servers.manage(env, "migrate", "--noinput")
        data = servers.seed(env, members=args.clients, seats=args.clients)
        app = servers.Gunicorn(env).wait_ready()
        load = Load(app.base, data, args.clients)
        load.run(2)  # warm up: connections, imports, caches

        def restart_postgres(seconds: float) -> None:
            time.sleep(seconds / 3)
            pg.stop()
            pg.start()

        def redis_down() -> dict:
            redis.kill()
            try:
                return load.run(args.seconds)
            finally:
                redis.start()
                time.sleep(6)  # past the breaker's cooldown: the cache is used again

        def redis_hung() -> dict:
            redis.pause()
            try:
                return load.run(args.seconds)
            finally:
                redis.resume()
                time.sleep(6)

        # Interleaved with normal runs: the database grows and the shared machine drifts, so
        # each fault is compared with the mean of the normal runs just before and after it.
        faults = [
            ("Redis down", redis_down),
            ("Redis hung (SIGSTOP)", redis_hung),
            (
                "PostgreSQL restarted mid-load",
                lambda: load.run(args.seconds, during=restart_postgres),
            ),
        ]
        rows = [("normal", load.run(args.seconds), None)]
        for name, run in faults:
            fault = run()
            after = load.run(args.seconds)
            baseline = (rows[-1][1]["rps"] + after["rps"]) / 2
            rows += [(name, fault, baseline), ("normal", after, None)]
        log = "".join(app.log)
    finally:
        if app:
            app.stop()
        redis.stop()
        pg.destroy()

    print(
        f"gunicorn gthread 1x8, {args.clients} clients, {args.seconds:.0f} s per scenario, "
        "3 map reads : 1 booking"
    )
    print(
        f"{'scenario':32} {'req':>6} {'req/s':>7} {'vs normal':>9} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7}  statuses"
    )
    for name, r, baseline in rows:
        ratio = f"{r['rps'] / baseline:9.0%}" if baseline else " " * 9
        print(
            f"{name:32} {r['requests']:6d} {r['rps']:7.1f} {ratio} "
            f"{r['p50']:7.1f} {r['p95']:7.1f} {r['max']:7.1f}  {r['statuses']}"
        )
    print(
        f"log: {len(log)} bytes, {log.count('Traceback')} tracebacks, "
        f"{log.count('unreachable; ') + log.count(' unreachable (')} cache outage warnings"
    )


if __name__ == "__main__":
    main()
