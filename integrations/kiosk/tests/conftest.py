import pytest

from integrations.kiosk import services
from seats.tests.factories import make_floor, make_seat


@pytest.fixture
def floor(db):
    return make_floor("Second floor")


@pytest.fixture
def seats(floor):
    return [make_seat(label, floor=floor, x=100 + 120 * i, y=200) for i, label in enumerate("ABC")]


@pytest.fixture
def kiosk(floor, staff):
    return services.kiosk_create(floor=floor, name="Lobby TV", by=staff)
