import pytest

from seats.tests.factories import make_floor, make_seat


@pytest.fixture
def enabled(settings):
    settings.SIMULATION_ENABLED = True


@pytest.fixture
def demo_floor(db):
    floor = make_floor("Demo floor")
    for index in range(8):
        make_seat(f"D{index + 1}", floor=floor, x=80 + 90 * index, y=200)
    return floor
