"""Integration benchmarks: the kiosk state, the cost webhooks add to a booking, webhook
delivery throughput to a loopback receiver, and the demo-activity generator.

Prints figures; it asserts nothing. Same throwaway database as bench/booking.py.

    .venv/bin/python bench/integrations_bench.py [--seats 200] [--deliveries 300] [--events 200]
"""

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.booking import on_throwaway_database, report, timed  # noqa: E402


def run(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from integrations.kiosk import selectors as kiosk
    from integrations.simulation import services as simulation
    from integrations.webhooks import delivery
    from integrations.webhooks import services as webhooks
    from integrations.webhooks.tests.receiver import start_receiver
    from reservations import services as booking
    from reservations.models import Reservation
    from reservations.policy import get_policy
    from seats.models import Floor, Seat

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    policy = get_policy()
    print(f"database: {connection.vendor}; seats={args.seats}")
    floor = Floor.objects.create(name="Bench", width=2000, height=1200)
    seats = Seat.objects.bulk_create(
        [Seat(floor=floor, label=f"S{i}", x=i % 20 * 90, y=i // 20 * 90) for i in range(args.seats)]
    )
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.com", is_verified=True, first_name=f"B{i}",
              show_on_map=i % 2 == 0) for i in range(args.seats + 400)]
    )  # fmt: skip
    staff = User.objects.create(email="bench-staff@example.com", is_staff=True, is_verified=True)
    now = timezone.now()
    today = timezone.localtime(now, policy.tz).date()
    opens = dt.datetime.combine(today, policy.opens_at, policy.tz)
    # Half the seats busy now, each with a later booking too.
    rows = []
    for i, seat in enumerate(seats):
        if i % 2 == 0:
            rows.append(
                Reservation(
                    seat=seat, user=users[i], start=opens, end=opens + dt.timedelta(hours=14)
                )
            )  # noqa: E501
    Reservation.objects.bulk_create(rows)

    with CaptureQueriesContext(connection) as ctx:
        kiosk.floor_state(floor=floor)
    report(
        f"kiosk state, {args.seats} seats ({len(ctx.captured_queries)} queries)",
        timed(lambda: kiosk.floor_state(floor=floor), 30),
    )

    start = dt.datetime.combine(today + dt.timedelta(days=3), dt.time(9), policy.tz)
    counter = iter(range(10_000))

    def book():
        i = next(counter)
        booking.reservation_create(
            user=users[args.seats + i % 400],
            seat=seats[i % args.seats],
            start=start + dt.timedelta(hours=i // args.seats),
            end=start + dt.timedelta(hours=i // args.seats + 1),
        )

    report("reservation_create, no webhook endpoint", timed(book, 100))
    receiver = start_receiver()
    for n in range(3):
        webhooks.webhook_endpoint_create(
            url=f"{receiver.url}/{n}", events=["reservation.created"], by=staff
        )  # noqa: E501
    report("reservation_create, 3 subscribed endpoints", timed(book, 100))

    from integrations.webhooks.models import WebhookDelivery

    WebhookDelivery.objects.all().delete()
    receiver.received.clear()
    for seq in range(args.deliveries):
        webhooks.webhook_event_enqueue(event_type="reservation.created", data={"seq": seq})
    pending = WebhookDelivery.objects.filter(status="pending").count()
    t0 = time.perf_counter()
    sent = 0
    while WebhookDelivery.objects.filter(status="pending").exists():
        round_sent = delivery.deliver_pending()
        if not round_sent:
            break  # failures wait for their backoff: report what got through
        sent += round_sent
    elapsed = time.perf_counter() - t0
    print(
        f"{'webhook deliveries to a loopback receiver':<44} {sent}/{pending} in {elapsed:.2f} s"
        f" = {sent / elapsed:.0f} deliveries/s (one sender)"
    )
    receiver.server.shutdown()

    settings.SIMULATION_ENABLED = True
    simulation.simulation_start(rate_per_minute=min(args.events, 200))
    state = simulation.SimulationState.objects.get()
    state.last_tick_at = timezone.now() - dt.timedelta(minutes=1)
    state.save()
    t0 = time.perf_counter()
    generated = simulation.simulation_tick(rng=random.Random(1))
    elapsed = time.perf_counter() - t0
    print(
        f"{'simulation tick':<44} {generated} events (+refused) in {elapsed:.2f} s"
        f" = {min(args.events, 200) / elapsed:.0f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seats", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--events", type=int, default=200)
    on_throwaway_database(run, parser.parse_args())


if __name__ == "__main__":
    main()
