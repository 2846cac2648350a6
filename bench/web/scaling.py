"""In-process scaling figure: the availability query at two table sizes, and the query it replaced.

Runs on the data sets of bench/web/dataset.py (same window, same answers, only the history
differs). Prints the median time of seat_availability() for 200 seats and of the raw SQL of the
old query (seat_id IN (...200 ids), no range operator, the model's ORDER BY start, id).

    python bench/web/scaling.py bench/.data/1k.json bench/.data/1m.json
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

OLD_SQL = """
SELECT seat_id, user_id, "end" FROM reservations_reservation
WHERE (status = 'checked_in' OR (status = 'booked' AND start > %s))
  AND start < %s AND "end" > %s AND seat_id IN ({ids}) ORDER BY start, id
"""


def median_ms(fn, repeat: int = 40) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(path: str) -> tuple[int, float, float]:
    import psycopg
    from django.db import connections

    data = json.loads(Path(path).read_text())
    connections["default"].close()
    connections["default"].settings_dict.update({"NAME": data["url"].rsplit("/", 1)[1]})
    from reservations import selectors
    from seats.selectors import seat_rows

    start, end = (dt.datetime.fromisoformat(v) for v in data["window"])
    # What GET api/seat?start=&end= runs: the seat rows, then availability over them.
    new = median_ms(lambda: selectors.seat_availability(seats=seat_rows(), start=start, end=end))
    ids = ",".join(str(i) for i in data["seats"])
    edge = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=15)
    with psycopg.connect(data["url"]) as conn:
        old = median_ms(
            lambda: conn.execute(OLD_SQL.format(ids=ids), (edge, end, start)).fetchall()
        )
    return data["reservations"], new, old


def main() -> None:
    os.environ["DATABASE_URL"] = json.loads(Path(sys.argv[1]).read_text())["url"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
    import django

    django.setup()
    rows = [measure(p) for p in sys.argv[1:]]
    for count, new, old in rows:
        print(
            f"{count:>9} reservations: seat_availability {new:7.2f} ms (whole selector);"
            f" old query SQL alone {old:7.2f} ms"
        )
    if len(rows) == 2:
        (_, new_a, old_a), (_, new_b, old_b) = rows
        print(f"growth: selector x{new_b / new_a:.2f}, old query x{old_b / old_a:.2f}")


if __name__ == "__main__":
    main()
