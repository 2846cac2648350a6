"""gunicorn config: the garbage collector's work in the worker, written to
/tmp/bookit-gcstats.<pid> when the worker exits (collections, seconds and objects found per
generation, against the worker's CPU). For bench/web/ab.py:
    --a "args=-c $PWD/bench/web/gcstats.conf.py"
"""

import atexit
import gc
import os
import time


def post_worker_init(worker) -> None:
    stats = {generation: [0, 0.0, 0] for generation in range(3)}
    started: list[float] = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.thread_time()
            return
        entry = stats[info["generation"]]
        entry[0] += 1
        entry[1] += time.thread_time() - started[0]
        entry[2] += info["collected"]

    def report() -> None:
        cpu = time.process_time()
        with open(f"/tmp/bookit-gcstats.{os.getpid()}", "w") as out:
            for generation, (runs, seconds, found) in stats.items():
                out.write(
                    f"gen{generation}: {runs} collections, {seconds:.3f} s, {found} objects "
                    f"found in cycles; worker CPU {cpu:.2f} s\n"
                )
            out.write(
                f"tracked {len(gc.get_objects())}, frozen {gc.get_freeze_count()}, "
                f"thresholds {gc.get_threshold()}\n"
            )

    gc.callbacks.append(callback)
    atexit.register(report)
