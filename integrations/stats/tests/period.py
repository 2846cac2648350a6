"""The period of the hand-computed statistics fixture (conftest.usage): Mon 2 and Tue 3 Nov 2026."""

import datetime as dt

MON = dt.date(2026, 11, 2)
TUE = dt.date(2026, 11, 3)
WED = dt.date(2026, 11, 4)
