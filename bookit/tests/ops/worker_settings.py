"""Settings for the worker processes the heartbeat tests start: the real scheduler tasks, due
every second instead of every 10 s to 1 h, so a pass (and its heartbeat) comes quickly."""

from bookit.settings import *  # noqa: F403
from bookit.settings import SCHEDULER_TASKS

SCHEDULER_TASKS = [(path, 1) for path, _interval in SCHEDULER_TASKS]
