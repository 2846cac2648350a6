"""The booking policy and its per-kind / per-floor overrides, each read at most once per request.

``rule_for_seat`` is the one function that says which rules apply to a seat: the booking
services, availability (map page, API, bot) and the admin all ask it, never the policy row
directly, so an override is obeyed everywhere at once.

Why not the cache (it was, through Redis): a policy edited while Redis was unreachable could not
invalidate the cached copy, and that stale copy came back with Redis; with Redis hung, each of the
half-dozen reads per booking waited for a timeout. A primary-key lookup of one row is as cheap as
a Redis round trip and cannot be stale, so the database is read once per request (bookit.memo)
and the value reused for the rest of it. Outside a request (bot, scheduler) every call reads the
row, so an edit is in force from the next unit of work everywhere. The overrides likewise.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from bookit.memo import forget, memoized
from reservations.models import BookingPolicy, BookingRule
from seats.models import Seat

MEMO_KEY = "reservations:booking-policy"
RULES_MEMO_KEY = "reservations:booking-rules"
# The policy fields a BookingRule may override (same names on both models).
OVERRIDABLE = (
    "opens_at",
    "closes_at",
    "min_minutes",
    "max_minutes",
    "advance_days",
    "max_upcoming",
)


@dataclass(frozen=True)
class EffectiveRule:
    """The rules that apply to one seat. ``cap_kind`` / ``cap_floor`` scope ``max_upcoming``:
    a cap set for meeting rooms counts the member's meeting-room bookings only."""

    time_zone: str
    opens_at: dt.time
    closes_at: dt.time
    slot_minutes: int
    min_minutes: int
    max_minutes: int
    advance_days: int
    max_upcoming: int
    cap_kind: str = ""
    cap_floor: int | None = None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def slot(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.slot_minutes)


def _load() -> BookingPolicy:
    policy, _created = BookingPolicy.objects.get_or_create(pk=1)
    return policy


def get_policy() -> BookingPolicy:
    return memoized(MEMO_KEY, _load)


def _load_rules() -> dict:
    rules = {}
    for row in BookingRule.objects.all():
        key = ("floor", row.floor_id) if row.floor_id else ("kind", row.kind)
        rules[key] = {f: getattr(row, f) for f in OVERRIDABLE if getattr(row, f) is not None}
    return rules


def _rules() -> dict:
    """{("kind", kind) | ("floor", floor_id): {field: value}} of the non-empty overrides."""
    return memoized(RULES_MEMO_KEY, _load_rules)


def default_rule() -> EffectiveRule:
    """The global policy as a rule: for windows not tied to a seat (the map's time picker)."""
    policy = get_policy()
    names = {f.name for f in fields(EffectiveRule)} - {"cap_kind", "cap_floor"}
    return EffectiveRule(**{name: getattr(policy, name) for name in names})


def rule_for_seat(seat: Seat) -> EffectiveRule:
    """Policy, then the seat's floor rule, then its kind rule (the most specific wins)."""
    return rule_resolver()(seat)


def rule_for_floor(floor_id: int) -> EffectiveRule:
    """The floor's own rules (no seat kind): its opening hours, e.g. for occupancy figures."""
    override = _rules().get(("floor", floor_id))
    return replace(default_rule(), **override) if override else default_rule()


def rule_resolver() -> Callable[[Seat], EffectiveRule]:
    """rule_for_seat for many seats: reads the overrides once and computes each (floor, kind) once
    (a map of 500 seats has a handful of distinct rules)."""
    base, rules = default_rule(), _rules()
    memo: dict[tuple, EffectiveRule] = {}

    def resolve(seat: Seat) -> EffectiveRule:
        key = (seat.floor_id, seat.kind)
        if key not in memo:
            memo[key] = _effective(seat, base=base, rules=rules)
        return memo[key]

    return resolve


def _effective(seat: Seat, *, base: EffectiveRule, rules: dict) -> EffectiveRule:
    rule = base
    for scope, key in (("floor", seat.floor_id), ("kind", seat.kind)):
        override = rules.get((scope, key))
        if not override:
            continue
        candidate = replace(rule, **override)
        if (
            candidate.closes_at <= candidate.opens_at
            or candidate.max_minutes < candidate.min_minutes
        ):
            # A floor rule and a kind rule can combine into nonsense (opens after closing);
            # the kind rule then wins whole, with the policy for what it leaves empty.
            candidate = replace(base, **override)
        if "max_upcoming" in override:
            candidate = replace(
                candidate,
                cap_kind=seat.kind if scope == "kind" else "",
                cap_floor=seat.floor_id if scope == "floor" else None,
            )
        rule = candidate
    return rule


def policy_changed() -> None:
    forget(MEMO_KEY)
    forget(RULES_MEMO_KEY)
