"""The simulator: real services, every rule holds, and the metrics move."""

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command
from prometheus_client import REGISTRY

from bookit.errors import PermissionDenied, ValidationFailed
from integrations.simulation import services
from integrations.simulation.models import SimulationState
from reservations.models import LIVE_STATUSES, Reservation

pytestmark = pytest.mark.django_db

FLOOR = {"kind": "desk", "floor": "Demo floor"}
COUNTERS = {
    "created": "bookit_reservations_created_total",
    "checked_in": "bookit_reservations_checked_in_total",
    "cancelled": "bookit_reservations_cancelled_total",
    "no_show": "bookit_reservations_no_show_total",
}


def _samples() -> dict[str, float]:
    return {key: REGISTRY.get_sample_value(name, FLOOR) or 0.0 for key, name in COUNTERS.items()}


def _assert_no_overlaps() -> None:
    live = list(Reservation.objects.filter(status__in=LIVE_STATUSES).order_by("start"))
    for key in ("seat_id", "user_id"):
        by_owner: dict[int, list[Reservation]] = {}
        for reservation in live:
            by_owner.setdefault(getattr(reservation, key), []).append(reservation)
        for rows in by_owner.values():
            for earlier, later in zip(rows, rows[1:], strict=False):
                assert earlier.end <= later.start, f"{key} overlap: {earlier} / {later}"


def test_the_simulator_produces_activity_that_the_metrics_show(
    enabled, frozen, demo_floor, django_capture_on_commit_callbacks
):
    before = _samples()
    services.simulation_start(rate_per_minute=8)
    rng = random.Random(20)
    generated = 0
    # Half an hour of demo, a tick a minute: long enough for bookings to reach their check-in
    # window and for the ones left alone to pass their grace and become no-shows.
    for _minute in range(30):
        frozen.shift(60)
        with django_capture_on_commit_callbacks(execute=True):
            generated += services.simulation_tick(rng=rng)
    after = _samples()

    for key in COUNTERS:
        assert after[key] > before[key], f"{key} did not move"
    state = SimulationState.objects.get()
    assert generated > 0 and state.bookings > 0 and state.check_ins > 0
    assert state.cancellations > 0 and state.no_shows > 0
    assert after["created"] - before["created"] == state.bookings
    # Through the real services: only simulated members, and no rule was broken.
    emails = set(Reservation.objects.values_list("user__email", flat=True))
    assert emails and all(e.endswith("@simulation.bookit.invalid") for e in emails)
    _assert_no_overlaps()
    occupied = REGISTRY.get_sample_value("bookit_seats_occupied", {"floor": "Demo floor"})
    assert occupied is not None


def test_a_stopped_simulator_does_nothing(enabled, frozen, demo_floor):
    services.simulation_start(rate_per_minute=60)
    services.simulation_stop()
    frozen.shift(120)
    assert services.simulation_tick() == 0
    assert not Reservation.objects.exists()


def test_one_tick_per_moment_even_from_two_processes(enabled, frozen, demo_floor):
    services.simulation_start(rate_per_minute=60)
    frozen.shift(10)
    now = services.timezone.now()
    first = services.simulation_tick(now=now, rng=random.Random(1))
    state = SimulationState.objects.get()
    assert state.last_tick_at == now
    # A second scheduler replica at the same instant finds nothing left to generate.
    assert services.simulation_tick(now=now, rng=random.Random(2)) == 0
    assert first + state.refused == 10


def test_a_long_pause_does_not_replay_hours_at_once(enabled, frozen, demo_floor):
    services.simulation_start(rate_per_minute=10)
    frozen.shift(dt.timedelta(hours=3).total_seconds())
    services.simulation_tick(rng=random.Random(3))
    state = SimulationState.objects.get()
    assert state.bookings + state.check_ins + state.cancellations + state.refused <= 50


def test_it_is_refused_unless_enabled(settings, frozen, staff):
    settings.SIMULATION_ENABLED = False
    with pytest.raises(PermissionDenied):
        services.simulation_start(rate_per_minute=10, by=staff)
    SimulationState.objects.create(pk=1, is_running=True, last_tick_at=services.timezone.now())
    frozen.shift(600)
    assert services.simulation_tick() == 0
    with pytest.raises(CommandError, match="SIMULATION_ENABLED"):
        call_command("simulate", "start")


@pytest.mark.parametrize("rate", [0, -1, 601, "fast"])
def test_the_rate_must_be_sensible(enabled, rate):
    with pytest.raises(ValidationFailed) as error:
        services.simulation_start(rate_per_minute=rate)
    assert "rate_per_minute" in error.value.errors


def test_members_cannot_start_it(enabled, member):
    with pytest.raises(PermissionDenied):
        services.simulation_start(rate_per_minute=5, by=member)


def test_the_command_starts_stops_and_runs(enabled, demo_floor, capsys):
    import time_machine

    from bookit.tests.clock import NOW

    # A ticking clock from NOW: `simulate run` generates for the time that really passes.
    with time_machine.travel(NOW, tick=True):
        _start_stop_and_run(capsys)


def _start_stop_and_run(capsys) -> None:
    call_command("simulate", "start", "--rate", "12")
    assert SimulationState.objects.get().is_running
    call_command("simulate", "status")
    assert "running=True rate=12/min" in capsys.readouterr().out
    call_command("simulate", "stop")
    assert not SimulationState.objects.get().is_running
    call_command("simulate", "run", "--rate", "600", "--duration", "0.3", "--interval", "0.1")
    out = capsys.readouterr().out
    assert "simulating 600 events/min" in out and "running=False" in out
    assert Reservation.objects.exists()
