"""Build the HTTP benchmark's data set in a PostgreSQL database of its own.

200 seats on one floor; the window day (tomorrow, 10:00-12:00 Moscow) holds the same 300
reservations in every variant, so every variant gives the same answers; the rest of
``--reservations`` is history (past days, checked-in / no-show / cancelled), which is what grows
in production. Also: members with JWT access tokens (booking POSTs need a fresh member every
three bookings: the upcoming limit) and a logged-in session for the map page.

    python bench/web/dataset.py --url postgres://postgres@127.0.0.1:5432/bookit_bench_i15 \\
        --reservations 10000 --out bench/.data/10k.json
"""

import argparse
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SEATS = 200
WINDOW_DAY_ROWS = 300


def recreate(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--reservations", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=6000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    recreate(args.url)
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from reservations.policy import get_policy
    from seats.models import Floor, Seat

    call_command("migrate", verbosity=0)
    policy = get_policy()
    tz = policy.tz
    floor = Floor.objects.create(name="Bench floor", width=2000, height=1000)
    kinds = ["desk", "desk", "quiet_desk", "meeting_room"]
    amenities = [["monitor"], ["window", "power"], [], ["dock"]]
    seats = Seat.objects.bulk_create(
        [
            Seat(
                floor=floor,
                label=f"{'ABCDEFGHIJ'[i // 20]}{i % 20 + 1}",
                kind=kinds[i % 4],
                amenities=amenities[i % 4],
                x=60 + (i % 20) * 95,
                y=60 + (i // 20) * 90,
            )
            for i in range(SEATS)
        ]
    )
    viewer = User.objects.create_user("viewer@example.com", "x", is_verified=True)
    members = User.objects.bulk_create(
        [
            User(email=f"m{i}@example.com", is_verified=True, password="!")
            for i in range(args.members)
        ]
    )

    today = timezone.localdate(timezone=tz)
    window_day = today + dt.timedelta(days=1)
    window_start = dt.datetime.combine(window_day, dt.time(10), tz)
    window_end = window_start + dt.timedelta(hours=2)
    rows = io.StringIO()

    def row(seat, user, start, end, status):
        user_id = "\\N" if user is None else str(user.pk)
        created = start - dt.timedelta(days=1)
        rows.write(
            f"{user_id}\t{seat.pk}\t{start.isoformat()}\t{end.isoformat()}\t{status}\t"
            f"{created.isoformat()}\t0\n"
        )

    # The window day: a morning, the window itself and an afternoon on 100 seats, plus one
    # reservation of the viewer (a "mine" seat).
    for n in range(WINDOW_DAY_ROWS):
        seat = seats[n % 100]
        hour = (8, 10, 14)[n // 100]
        start = dt.datetime.combine(window_day, dt.time(hour), tz)
        user = viewer if n == 150 else None
        row(seat, user, start, start + dt.timedelta(hours=2), "booked")
    history = max(args.reservations - WINDOW_DAY_ROWS, 0)
    statuses = ["checked_in", "no_show", "cancelled", "checked_in"]
    for n in range(history):
        seat = seats[n % SEATS]
        slot = n // SEATS
        day = today - dt.timedelta(days=1 + slot // 4)
        start = dt.datetime.combine(day, dt.time(8 + 3 * (slot % 4)), tz)
        row(seat, None, start, start + dt.timedelta(hours=2), statuses[n % 4])
    rows.seek(0)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY reservations_reservation"
            ' (user_id, seat_id, start, "end", status, created_at, sequence) FROM STDIN'
        ) as copy:
            while chunk := rows.read(1 << 20):
                copy.write(chunk)
        cursor.execute("VACUUM ANALYZE reservations_reservation")

    # Bookings go to days 2..13 (never the window day), one seat per member: member k books
    # seat k % 200 at slot k // 200 ... see bench/web/booking.lua.
    lifetime = dt.timedelta(hours=6)

    def token(user):
        access = AccessToken.for_user(user)
        access.set_exp(lifetime=lifetime)
        return str(access)

    data = {
        "url": args.url,
        "reservations": WINDOW_DAY_ROWS + history,
        "seats": [s.pk for s in seats],
        "floor": floor.pk,
        "window": [window_start.isoformat(), window_end.isoformat()],
        "window_local": [window_day.isoformat(), "10:00", "12:00"],
        "book_from": (today + dt.timedelta(days=2)).isoformat(),
        "viewer_token": token(viewer),
        "viewer": viewer.pk,
        "member_tokens": [token(m) for m in members],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(data))
    print(f"data set: {data['reservations']} reservations, {SEATS} seats -> {args.out}")


if __name__ == "__main__":
    main()
