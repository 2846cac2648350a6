# The booking fixtures of the reservations tests (a frozen clock, seats), shared rather than copied.
from reservations.tests.conftest import frozen, seat, seat2  # noqa: F401
