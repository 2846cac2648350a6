"""Booking benchmarks: availability of a floor map and booking throughput.

Prints figures; it asserts nothing. Runs on a throwaway database: SQLite in a temp file by
default, or the PostgreSQL server of BENCH_DATABASE_URL (a fresh database is created and dropped).

    .venv/bin/python bench/booking.py [--seats 500] [--reservations 5000] [--bookings 200]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1] if len(samples) > 1 else samples[0]
    print(
        f"{name:<44} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms"
        f"   n={len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--reservations", type=int, default=5000)
    parser.add_argument("--bookings", type=int, default=200)
    args = parser.parse_args()

    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        import psycopg

        name = f"bookit_bench_{os.getpid()}"
        admin = psycopg.connect(pg, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        url = pg.rsplit("/", 1)[0] + "/" + name
    else:
        url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    try:
        setup_django(url)
        run(args)
    finally:
        if pg:
            from django.db import connections

            connections.close_all()
            admin.execute(f'DROP DATABASE "{name}"')


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from reservations import selectors, services
    from reservations.models import Reservation
    from reservations.policy import get_policy
    from seats.models import Floor, Seat
    from seats.selectors import seats_filtered

    policy = get_policy()
    print(
        f"database: {connection.vendor}; seats={args.seats}, "
        f"reservations={args.reservations}, bookings={args.bookings}"
    )
    floor = Floor.objects.create(name="Bench")
    seats = Seat.objects.bulk_create(
        [Seat(floor=floor, label=f"S{i}", x=i % 40 * 20, y=i // 40 * 20) for i in range(args.seats)]
    )
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.com", is_verified=True) for i in range(args.bookings + 50)]
    )
    today = timezone.localdate(timezone=policy.tz)
    rows = []
    for i in range(args.reservations):
        day = today + dt.timedelta(days=1 + (i // args.seats) % 10)
        hour = 8 + (i // (args.seats * 10)) % 13
        start = dt.datetime.combine(day, dt.time(hour), policy.tz)
        rows.append(
            Reservation(seat=seats[i % args.seats], start=start, end=start + dt.timedelta(hours=1))
        )
    Reservation.objects.bulk_create(rows, batch_size=1000)

    window_start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10), policy.tz)
    window_end = window_start + dt.timedelta(hours=2)

    def availability():
        states = selectors.seat_availability(
            seats=seats_filtered(), start=window_start, end=window_end
        )
        assert len(states) == args.seats

    with CaptureQueriesContext(connection) as ctx:
        availability()
    report(f"floor map availability ({len(ctx.captured_queries)} queries)", timed(availability, 30))

    # The same map with a per-kind rule and a block on part of the floor (issue 17).
    from reservations.models import BookingRule, SeatBlock
    from reservations.policy import policy_changed

    BookingRule.objects.create(kind=Seat.Kind.DESK, max_minutes=240)
    SeatBlock.objects.create(
        seat=seats[0], start=window_start, end=window_end, reason="Bench", created_by=None
    )
    policy_changed()
    availability()
    report("floor map availability (rule + block)", timed(availability, 30))

    # The staff dashboard over a busy day: six one-hour bookings per seat today.
    from integrations.console.selectors import dashboard

    day_rows = [
        Reservation(
            seat=seat,
            user=None,
            start=dt.datetime.combine(today, dt.time(8 + 2 * h), policy.tz),
            end=dt.datetime.combine(today, dt.time(9 + 2 * h), policy.tz),
        )
        for seat in seats
        for h in range(6)
    ]
    Reservation.objects.bulk_create(day_rows, batch_size=1000)
    with CaptureQueriesContext(connection) as ctx:
        dashboard()
    report(
        f"staff dashboard, {len(day_rows)} today ({len(ctx.captured_queries)} queries)",
        timed(dashboard, 20),
    )

    member = users[0]
    report(
        "my reservations (list)",
        timed(lambda: list(selectors.reservations_for_user(user=member)), 30),
    )

    free_start = dt.datetime.combine(today + dt.timedelta(days=12), dt.time(9), policy.tz)
    counter = iter(range(args.bookings))

    def book():
        i = next(counter)
        services.reservation_create(
            user=users[50 + i],
            seat=seats[i % args.seats],
            start=free_start + dt.timedelta(hours=i // args.seats),
            end=free_start + dt.timedelta(hours=i // args.seats + 1),
        )

    report("reservation_create (rules + locks + insert)", timed(book, args.bookings))


if __name__ == "__main__":
    main()
