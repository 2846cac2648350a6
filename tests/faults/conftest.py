# The booking fixtures of the reservations tests (a frozen clock, seats), shared rather than copied.
from integrations.telegram.tests.conftest import fakebot, telegram_on  # noqa: F401
from reservations.tests.conftest import frozen, seat, seat2  # noqa: F401
