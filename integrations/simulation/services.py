"""Demo activity: generated bookings, check-ins, cancellations and no-shows for demos.

Invariants:
- nothing happens unless settings.SIMULATION_ENABLED (a production switch, off by default);
  every entry point (staff API, ``manage.py simulate``, the scheduler task) checks it;
- every event goes through the real services (reservations.services), so every booking rule
  holds: a conflict or a broken limit is refused and counted as ``refused``, never forced;
  signals, metrics, webhooks and the kiosk see the activity as they would see members';
- the generated members are ordinary verified accounts on the reserved domain
  ``@simulation.bookit.invalid`` (they cannot log in: no usable password), checked in by a
  "front desk" staff account of the same domain; they opt in to show their first names;
- one switch for all processes: the state row is locked while a tick is claimed, so two
  scheduler replicas never generate the same tick twice.
"""

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.services import require_staff
from bookit.errors import DomainError, PermissionDenied, ValidationFailed
from integrations.simulation import messages as msg
from integrations.simulation.models import SimulationState
from reservations import services as booking
from reservations import slots
from reservations.models import LIVE_STATUSES, Reservation, ReservationQuerySet
from reservations.policy import get_policy
from seats.models import Seat

logger = logging.getLogger(__name__)

DOMAIN = "simulation.bookit.invalid"
DESK_EMAIL = f"front-desk@{DOMAIN}"
FIRST_NAMES = [
    "Anna", "Boris", "Vera", "Gleb", "Daria", "Egor", "Zoya", "Ilya", "Kira", "Lev",
    "Maya", "Nikita", "Olga", "Pavel", "Rita", "Semyon", "Taisia", "Ulyana", "Fedor", "Yana",
]  # fmt: skip
MAX_RATE = 600.0
MAX_CATCH_UP = dt.timedelta(minutes=5)  # after a pause, do not replay hours of events at once
MAX_PER_TICK = 200
LAPSE_MEMORY = 500
WEIGHTS = {"book": 45, "check_in": 25, "cancel": 15, "no_show": 15}


def check_enabled() -> None:
    if not settings.SIMULATION_ENABLED:
        raise PermissionDenied(msg.DISABLED)


def simulation_state() -> SimulationState:
    state, _created = SimulationState.objects.get_or_create(pk=SimulationState.SINGLETON_PK)
    return state


def _clean_rate(value: object) -> float:
    try:
        rate = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        rate = -1.0
    if not 0 < rate <= MAX_RATE:
        raise ValidationFailed.on("rate_per_minute", msg.bad_rate(MAX_RATE))
    return rate


def ensure_cast() -> tuple[list[User], User]:
    """The simulated members and the front-desk account (one query once they exist)."""
    existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}")}
    wanted: list[tuple[str, dict[str, object]]] = [
        (f"member{index:02d}@{DOMAIN}", {"first_name": name, "last_name": "Demo"})
        for index, name in enumerate(FIRST_NAMES, start=1)
    ]
    wanted.append((DESK_EMAIL, {"first_name": "Front desk", "is_staff": True}))
    for email, fields in wanted:
        if email not in existing:
            user = User(email=email, is_verified=True, show_on_map=True, **fields)
            user.set_unusable_password()  # nobody logs in as a simulated member
            user.save()
            existing[email] = user
    members = [existing[email] for email, _fields in wanted[:-1]]
    return members, existing[DESK_EMAIL]


def simulation_start(
    *, rate_per_minute: float | None = None, by: User | None = None
) -> SimulationState:
    """Start (or re-rate) the generator. ``by`` is None for the management command."""
    check_enabled()
    if by is not None:  # None: the management command (an operator at the shell)
        require_staff(by)
    ensure_cast()
    now = timezone.now()
    with transaction.atomic():
        state = simulation_state()
        state = SimulationState.objects.select_for_update().get(pk=state.pk)
        if rate_per_minute is not None:
            state.rate_per_minute = _clean_rate(rate_per_minute)
        if not state.is_running:
            state.is_running, state.started_at, state.stopped_at = True, now, None
            state.last_tick_at, state.carry = now, 0.0
        state.started_by = by
        state.save()
    return state


def simulation_stop(*, by: User | None = None) -> SimulationState:
    check_enabled()
    if by is not None:  # None: the management command (an operator at the shell)
        require_staff(by)
    with transaction.atomic():
        state = simulation_state()
        state = SimulationState.objects.select_for_update().get(pk=state.pk)
        if state.is_running:
            state.is_running, state.stopped_at = False, timezone.now()
            state.save(update_fields=["is_running", "stopped_at"])
    return state


def _claim_tick(now: dt.datetime) -> tuple[int, SimulationState] | None:
    """How many events this tick generates; None when stopped (or another process has it)."""
    with transaction.atomic():
        state = (
            SimulationState.objects.select_for_update(skip_locked=True)
            .filter(pk=SimulationState.SINGLETON_PK, is_running=True)
            .first()
        )
        if state is None:
            return None
        since = state.last_tick_at or now
        elapsed = min(max(now - since, dt.timedelta(0)), MAX_CATCH_UP)
        due = state.carry + state.rate_per_minute * elapsed.total_seconds() / 60
        count = min(int(due), MAX_PER_TICK)
        state.carry = due - int(due) if count < MAX_PER_TICK else 0.0
        state.last_tick_at = now
        state.save(update_fields=["carry", "last_tick_at"])
    return count, state


def simulation_tick(*, now: dt.datetime | None = None, rng: random.Random | None = None) -> int:
    """The scheduler task: generate this tick's share of events; returns how many happened."""
    if not settings.SIMULATION_ENABLED:
        return 0
    now = now or timezone.now()
    claimed = _claim_tick(now)
    if claimed is None:
        return 0
    count, state = claimed
    # Bookings left to lapse turn into no-shows here, by the real release (as the scheduler).
    lapsed = booking.release_no_shows(now=now)
    if not count:
        _add_totals(no_shows=lapsed)
        return 0
    rng = rng or random.Random()
    members, desk = ensure_cast()
    generator = _Generator(now=now, rng=rng, members=members, desk=desk, lapse=state.lapse_ids)
    for _step in range(count):
        generator.step()
    totals = generator.totals
    totals["no_shows"] += lapsed
    _add_totals(**totals, lapse_ids=generator.lapse[-LAPSE_MEMORY:])
    return count - totals["refused"]


def _add_totals(*, lapse_ids: list[int] | None = None, **counts: int) -> None:
    changes: dict[str, object] = {name: F(name) + value for name, value in counts.items() if value}
    if lapse_ids is not None:
        changes["lapse_ids"] = lapse_ids
    if changes:
        SimulationState.objects.filter(pk=SimulationState.SINGLETON_PK).update(**changes)


class _Generator:
    """One tick's events. Each step picks an action by WEIGHTS and calls the real service."""

    def __init__(
        self,
        *,
        now: dt.datetime,
        rng: random.Random,
        members: list[User],
        desk: User,
        lapse: list[int],
    ) -> None:
        self.now, self.rng, self.members, self.desk = now, rng, members, desk
        self.lapse = list(lapse)
        self.policy = get_policy()
        self.seats = list(Seat.objects.filter(is_active=True).only("pk", "label", "floor_id"))
        self.totals = {"bookings": 0, "check_ins": 0, "cancellations": 0, "no_shows": 0}
        self.totals["refused"] = 0

    def step(self) -> None:
        action = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        try:
            getattr(self, action)()
        except DomainError as exc:
            # A rule said no (a taken seat, the upcoming limit...): that is realistic too.
            logger.debug("simulation: %s refused: %s", action, exc.message)
            self.totals["refused"] += 1

    # --- actions ---------------------------------------------------------------------------

    def _ours(self) -> ReservationQuerySet:
        return Reservation.objects.filter(user__email__endswith=f"@{DOMAIN}")

    def _pick(self, qs: ReservationQuerySet) -> Reservation | None:
        # Chosen by our own Random (not ORDER BY RANDOM()), so a seeded run is reproducible.
        ids = sorted(qs.values_list("pk", flat=True)[:200])
        return qs.select_related("user").get(pk=self.rng.choice(ids)) if ids else None

    def _checkin_window(self) -> ReservationQuerySet:
        policy = self.policy
        return self._ours().filter(
            status=Reservation.Status.BOOKED,
            start__lte=self.now + policy.checkin_early,
            start__gte=self.now - policy.checkin_grace,
        )

    def _window(self) -> tuple[dt.datetime, dt.datetime]:
        """A bookable window: the current slot while open (so it can be checked in), else a
        slot in the next days' opening hours."""
        policy, tz = self.policy, self.policy.tz
        hours = self.rng.choice([1, 2, 2, 3, 4])
        slot = slots.current_slot_start(policy, self.now)
        closes = dt.datetime.combine(slot.date(), policy.closes_at, tz)
        opens = dt.datetime.combine(slot.date(), policy.opens_at, tz)
        now_possible = opens <= slot and slot + policy.slot <= closes
        if now_possible and self.rng.random() < 0.6:
            start = slot
        else:
            day = slot.date() + dt.timedelta(days=self.rng.randint(0 if now_possible else 1, 3))
            span = int((policy.closes_at.hour - policy.opens_at.hour) * 60 / policy.slot_minutes)
            offset = self.rng.randrange(max(span - 2, 1)) * policy.slot_minutes
            start = dt.datetime.combine(day, policy.opens_at, tz) + dt.timedelta(minutes=offset)
            if start < slot:
                start = slot
            closes = dt.datetime.combine(start.date(), policy.closes_at, tz)
        end = min(start + dt.timedelta(hours=hours), closes)
        if (end - start).total_seconds() < policy.min_minutes * 60:
            end = start + dt.timedelta(minutes=policy.min_minutes)
        return start, end

    def book(self) -> Reservation | None:
        if not self.seats:
            self.totals["refused"] += 1
            return None
        member = self.rng.choice(self.members)
        seat = self.rng.choice(self.seats)
        start, end = self._window()
        reservation = booking.reservation_create(user=member, seat=seat, start=start, end=end)
        self.totals["bookings"] += 1
        return reservation

    def check_in(self) -> None:
        candidate = self._pick(self._checkin_window().exclude(pk__in=self.lapse))
        if candidate is None:
            self.book()  # nothing to check in yet: someone books instead
            return
        booking.reservation_check_in(reservation=candidate, by=self.desk, now=self.now)
        self.totals["check_ins"] += 1

    def cancel(self) -> None:
        candidate = self._pick(
            self._ours().filter(status__in=LIVE_STATUSES, end__gt=self.now).live(now=self.now)
        )
        if candidate is None:
            self.book()
            return
        if candidate.user is None:  # an anonymised (deleted) member: nothing to cancel as them
            return
        booking.reservation_cancel(reservation=candidate, by=candidate.user)
        self.totals["cancellations"] += 1

    def no_show(self) -> None:
        """Decide that a booking in its check-in window will not be checked in: once its grace
        ends, release_no_shows makes it a no-show (counted when that happens)."""
        candidate = self._pick(self._checkin_window().exclude(pk__in=self.lapse))
        if candidate is None:
            candidate = self.book()
        if candidate is not None:
            self.lapse.append(candidate.pk)
