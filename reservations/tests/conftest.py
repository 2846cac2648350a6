import pytest
import time_machine

from reservations.tests.factories import NOW, make_seat


@pytest.fixture
def frozen():
    """Freeze "now" at NOW (ticking, so timestamps still advance)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def seat(db):
    return make_seat("A1")


@pytest.fixture
def seat2(db, seat):
    return make_seat("A2", floor=seat.floor)
