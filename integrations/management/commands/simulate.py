"""`manage.py simulate`: start, stop or run demo activity (refused unless SIMULATION_ENABLED=1).

simulate start --rate 30   switch it on; the scheduler process generates the events
simulate stop              switch it off
simulate status            print the switch and the totals
simulate run --rate 30     switch it on and generate in this process (no scheduler needed)
                           until Ctrl-C or --duration seconds, then switch it off
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from bookit.errors import DomainError
from integrations.simulation import services


class Command(BaseCommand):
    help = "Start, stop or run generated demo activity (bookings, check-ins, cancellations)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "run"], nargs="?")
        parser.add_argument("--rate", type=float, default=None, help="Events per minute.")
        parser.add_argument("--duration", type=float, default=0, help="run: stop after N s.")
        parser.add_argument("--interval", type=float, default=5, help="run: seconds per tick.")

    def handle(self, *args, action=None, rate=None, duration=0, interval=5, **options):
        action = action or "run"
        try:
            services.check_enabled()
            if action == "start":
                self._print(services.simulation_start(rate_per_minute=rate))
            elif action == "stop":
                self._print(services.simulation_stop())
            elif action == "status":
                self._print(services.simulation_state())
            else:
                self._run(rate=rate, duration=duration, interval=interval)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _run(self, *, rate, duration: float, interval: float) -> None:
        state = services.simulation_start(rate_per_minute=rate)
        self.stdout.write(f"simulating {state.rate_per_minute:g} events/min; Ctrl-C stops")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        waited = 0.0
        try:
            while not stop.is_set() and (not duration or waited < duration):
                count = services.simulation_tick()
                if count:
                    self.stdout.write(f"{count} event(s)")
                step = min(interval, duration - waited) if duration else interval
                # time.sleep, not Event.wait: a timed wait hangs under libfaketime (the CI's
                # faked clock); SIGTERM still interrupts the sleep and the loop sees the flag.
                time.sleep(step)
                waited += step
        except KeyboardInterrupt:
            pass
        finally:
            self._print(services.simulation_stop())

    def _print(self, state) -> None:
        self.stdout.write(
            f"running={state.is_running} rate={state.rate_per_minute:g}/min "
            f"bookings={state.bookings} check_ins={state.check_ins} "
            f"cancellations={state.cancellations} no_shows={state.no_shows} "
            f"refused={state.refused}"
        )
