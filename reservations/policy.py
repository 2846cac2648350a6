"""The booking policy, its per-kind / per-floor overrides, and the rule that applies to a seat.

Read at most once per request. Why not the cache (it was, through Redis): a policy edited while
Redis was unreachable could not invalidate the cached copy, and that stale copy came back with
Redis; with Redis hung, each of the half-dozen reads per booking waited for a timeout. A
primary-key lookup of one row, with the handful of override rows in the same statement, is as
cheap as a Redis round trip and cannot be stale, so the database is read once per request
(bookit.memo) and the value reused for the rest of it. Outside a request (bot, scheduler)
every call reads the rows, so an edit is in force from the next unit of work everywhere.

``rule_for_seat`` (or a ``RuleBook`` for many seats) is the one answer to "which rules apply to
this seat": the booking services, availability (map page, API, bot) and the admin all ask it,
never the policy row directly, so an override is obeyed everywhere at once.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from bookit import rows
from bookit.memo import forget, memoized, peek, remember
from reservations.models import BookingPolicy, BookingRule
from seats.models import Seat

if TYPE_CHECKING:
    from seats.selectors import SeatRow

MEMO_KEY = "reservations:booking-policy"  # the policy row and its overrides, read together
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


# What a rule copies from the policy row: every field but the cap's scope (found once).
POLICY_FIELDS = tuple(
    f.name for f in fields(EffectiveRule) if f.name not in ("cap_kind", "cap_floor")
)
Overrides = dict[tuple[str, Any], dict[str, Any]]
RULE_ORDER = ("floor_id", "kind")
POLICY_PK = 1  # the policy is one row


@dataclass
class _Read:
    policy: BookingPolicy
    rules: Overrides | None  # None: not read yet (the policy row was only just created)


def _load() -> _Read:
    """The policy row and the overrides (BookingRule rows), in one statement (bookit.rows).
    On first use the row is created (get_or_create(pk=1)) and the rules are left to be read
    when first asked for, as before the two were one statement."""
    policy, rules = rows.get_with_all(BookingPolicy, POLICY_PK, BookingRule, order_by=RULE_ORDER)
    if policy is not None:
        return _Read(policy, _overrides(rules))
    try:
        with transaction.atomic():
            policy = BookingPolicy.objects.create(pk=POLICY_PK)
    except IntegrityError:  # created by a concurrent first use
        policy = BookingPolicy.objects.get(pk=POLICY_PK)
    return _Read(policy, None)


def get_policy() -> BookingPolicy:
    return memoized(MEMO_KEY, _load).policy


def policy_with_rules() -> tuple[BookingPolicy, Overrides]:
    """The policy and its overrides from one read, also outside a request (one statement)."""
    read = memoized(MEMO_KEY, _load)
    if read.rules is None:
        read.rules = _overrides(rows.all_of(BookingRule, order_by=RULE_ORDER))
    return read.policy, read.rules


def policy_is_read() -> bool:
    """Whether this request already holds the policy and its rules (bookit.memo): a statement
    that could read them along with its own rows need not."""
    return peek(MEMO_KEY) is not None


def remember_policy(
    policy: BookingPolicy, rules: list[BookingRule]
) -> tuple[BookingPolicy, Overrides]:
    """The policy row and its rules, read by another statement (the booking's lock reads them
    with the member and the seat), kept for the rest of the request as if policy_with_rules had
    read them."""
    overrides = _overrides(rules)
    remember(MEMO_KEY, _Read(policy, overrides))
    return policy, overrides


def _overrides(rules: list[BookingRule]) -> Overrides:
    """{("kind", kind) | ("floor", floor_id): {field: value}} of the non-empty overrides."""
    overrides: Overrides = {}
    for row in rules:
        key = ("floor", row.floor_id) if row.floor_id else ("kind", row.kind)
        overrides[key] = {f: getattr(row, f) for f in OVERRIDABLE if getattr(row, f) is not None}
    return overrides


def default_rule(policy: BookingPolicy | None = None) -> EffectiveRule:
    """The global policy as a rule: for windows not tied to a seat (the map's time picker).

    ``policy``: a copy the caller already read (outside a request nothing is memoized)."""
    policy = policy or get_policy()
    return EffectiveRule(**{name: getattr(policy, name) for name in POLICY_FIELDS})


class RuleBook:
    """The policy and every override, read once; answers for many seats and floors without
    further queries (a map of 500 seats has a handful of distinct rules)."""

    def __init__(self, policy: BookingPolicy | None = None, rules: Overrides | None = None) -> None:
        """``policy``, ``rules``: what the caller already read (policy_with_rules)."""
        self.base = default_rule(policy)
        self.rules: Overrides = rules if rules is not None else policy_with_rules()[1]
        self._seats: dict[tuple[int, str], EffectiveRule] = {}

    def for_floor(self, floor_id: int) -> EffectiveRule:
        """The floor's own rules (no seat kind): its opening hours, e.g. for occupancy."""
        override = self.rules.get(("floor", floor_id))
        return replace(self.base, **override) if override else self.base

    def for_seat(self, seat: "Seat | SeatRow") -> EffectiveRule:
        """Policy, then the seat's floor rule, then its kind rule (the most specific wins)."""
        key = (seat.floor_id, seat.kind)
        if key not in self._seats:
            self._seats[key] = self._effective(seat)
        return self._seats[key]

    def _effective(self, seat: "Seat | SeatRow") -> EffectiveRule:
        rule = self.base
        for scope, key in (("floor", seat.floor_id), ("kind", seat.kind)):
            override = self.rules.get((scope, key))
            if not override:
                continue
            candidate = replace(rule, **override)
            if (
                candidate.closes_at <= candidate.opens_at
                or candidate.max_minutes < candidate.min_minutes
            ):
                # A floor rule and a kind rule can combine into nonsense (opens after closing);
                # the kind rule then wins whole, with the policy for what it leaves empty.
                candidate = replace(self.base, **override)
            if "max_upcoming" in override:
                candidate = replace(
                    candidate,
                    cap_kind=seat.kind if scope == "kind" else "",
                    cap_floor=seat.floor_id if scope == "floor" else None,
                )
            rule = candidate
        return rule


def rule_for_seat(seat: Seat, policy: BookingPolicy | None = None) -> EffectiveRule:
    return RuleBook(policy).for_seat(seat)


def policy_changed() -> None:
    forget(MEMO_KEY)
