"""The booking tests' clock and seats, for the console's tests of blocks across surfaces."""

from reservations.tests.conftest import frozen, seat, seat2  # noqa: F401
