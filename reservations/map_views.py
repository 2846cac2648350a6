"""The home page: a landing page for visitors, the floor map (a booking page) for members.

The map is one server-rendered page that works without JavaScript: every seat is drawn in an
inline SVG; a free seat is a link to a confirmation panel whose form POSTs the booking back to
this page (static/js/floor_map.js turns that panel into a <dialog>). The list below the map has a
submit button per free seat. Booking goes through reservations.services.reservation_create.
"""

import datetime as dt
import functools
import secrets
from collections import Counter
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookit import rows as sql_rows
from bookit import widgets
from bookit.errors import DomainError
from bookit.forms import add_service_error
from reservations import map_markup, selectors, series, services, slots
from reservations.forms import WEEKDAYS, BookForm, MapForm, RepeatForm
from reservations.policy import default_rule, get_policy
from reservations.slots import default_window
from seats.models import Floor, Seat
from seats.selectors import floor_zones, seat_rows

FILTER_FIELDS = ("date", "start", "end", "floor", "kind", "amenity")


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('accounts:login')}?next=/")
        return render(request, "reservations/landing.html")
    return floor_map(request)


def _map_form(data, policy, floors) -> MapForm:
    """The map form over the query, with the default window and first floor filled in."""
    day, start, end = default_window(policy)
    defaults = (
        ("date", day.isoformat()),
        ("start", start.strftime("%H:%M")),
        ("end", end.strftime("%H:%M")),
        ("floor", str(floors[0].pk) if floors else ""),
    )
    missing = [(name, value) for name, value in defaults if not data.get(name)]
    if missing:  # a QueryDict is immutable; the map's own links carry every field
        data = data.copy()
        for name, value in missing:
            data[name] = value
    form = MapForm(data, policy=policy, floors=floors)
    form.is_valid()
    return form


def _window(form, policy) -> tuple[dt.datetime, dt.datetime]:
    """The form's window when it parsed, else the default one (the errors are shown)."""
    if not any(form.has_error(name) for name in ("date", "start", "end")):
        return form.window()
    day, start, end = default_window(policy)
    return dt.datetime.combine(day, start, policy.tz), dt.datetime.combine(day, end, policy.tz)


def _query(form, start: dt.datetime, end: dt.datetime, tz) -> list[tuple[str, str]]:
    """The page's state as query pairs: for links, redirects and hidden inputs."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    pairs = [
        ("date", local_start.date().isoformat()),
        ("start", local_start.strftime("%H:%M")),
        ("end", local_end.strftime("%H:%M")),
    ]
    data = form.cleaned_data
    if data.get("floor"):
        pairs.append(("floor", str(data["floor"])))
    if data.get("kind"):
        pairs.append(("kind", data["kind"]))
    pairs += [("amenity", a) for a in data.get("amenity") or []]
    return pairs


class _Words:
    """The words of the seat rows, translated once per page instead of once per seat.

    A choice's display (get_kind_display, amenity_labels) rebuilds and translates the whole
    choice list on every call: 200 seats made it ~2,700 gettext calls per page. The amenity
    lists repeat across a floor (SeatRow shares the tuple): each is named once per page.
    """

    def __init__(self, tz) -> None:
        self.kinds = {k: str(v) for k, v in Seat.Kind.choices}
        self.amenities = {k: str(v) for k, v in Seat.Amenity.choices}
        self.not_available, self.booked_by_you = _("not available"), _("booked by you")
        self.yours, self.free = "★ " + _("yours"), _("free")
        self.busy_until, self.until = _("busy until %(time)s"), _("until %(time)s")
        self.busy_until_by = _("%(name)s until %(time)s")
        self.favourite = _("favourite")
        self.closed_because, self.closed = _("closed: %(reason)s"), _("closed")
        self.not_for_this_time = _("not for this time")
        self.tz = tz
        self._times: dict[dt.datetime, str] = {}
        self._amenity_lists: dict[tuple[str, ...], tuple[list[str], str]] = {}

    def time(self, moment: dt.datetime) -> str:
        """HH:MM in the coworking's zone; most busy seats end at the same few times."""
        text = self._times.get(moment)
        if text is None:
            text = self._times[moment] = f"{moment.astimezone(self.tz):%H:%M}"
        return text

    def amenity_list(self, amenities: tuple[str, ...]) -> tuple[list[str], str]:
        """The amenities' names, and joined with commas."""
        found = self._amenity_lists.get(amenities)
        if found is None:
            labels = [self.amenities.get(a, a) for a in amenities]
            found = self._amenity_lists[amenities] = (labels, ", ".join(labels))
        return found


def _describe(
    state, kind: str, words: _Words, kind_label: str, amenities: str, favourite: bool = False
) -> tuple[str, str, str]:
    """(status, description, caption) of a seat in state ``kind`` (``state.state``, read once):
    for the list, title/aria-label, the glyph."""
    seat = state.seat
    caption = ""
    if kind == "free":
        status = words.free
    elif kind == "busy":
        until = words.time(state.busy_until)
        status = words.busy_until % {"time": until}
        if state.holder is not None:  # only a member who opted in is named (show_on_map)
            status += " · " + words.busy_until_by % {"name": state.holder.first_name, "time": until}
        caption = words.until % {"time": until}
    elif kind == "inactive":
        status, caption = words.not_available, "—"
    elif kind == "blocked":
        status, caption = words.closed_because % {"reason": state.reason}, words.closed
    elif kind == "restricted":
        status, caption = str(state.reason), words.not_for_this_time
    else:  # mine
        status, caption = words.booked_by_you, words.yours
    # The name starts with what the glyph shows (label and caption), so speech matches sight.
    parts = [f"{seat.label} {caption}".strip(), kind_label]
    if seat.amenities:
        parts.append(amenities)
    if favourite:
        parts.append("♥ " + words.favourite)
    return status, f"{' · '.join(parts)} — {status}", caption


def _seat_rows(states, tz) -> list[dict]:
    """One dict per seat: what the markup, the confirmation, the explanation and the usual
    seat show. Only the listed seat's plain attributes are read (no method, no relation)."""
    words = _Words(tz)
    kinds = words.kinds
    rows = []
    for state in states:
        seat = state.seat
        kind = state.state  # a property: read once
        favourite = seat.favourite  # the viewer's star, read with the seat (seat_rows)
        kind_label = kinds.get(seat.kind, seat.kind)
        amenity_labels, amenities = words.amenity_list(seat.amenities)
        status, description, caption = _describe(
            state, kind, words, kind_label, amenities, favourite
        )
        if favourite:
            caption = f"♥ {caption}" if caption else "♥"
        rows.append(
            {
                "seat": seat,
                "state": kind,
                "status": status,
                "description": description,
                "caption": caption,
                "kind_label": kind_label,
                "amenity_labels": amenity_labels,
                "amenities": amenities,
                "favourite": favourite,
                "holder": state.holder,
            }
        )
    return rows


DAYS_SHOWN = 7  # the strip; further days (up to the advance limit) are in the date field
DURATIONS = {60: gettext_lazy("1 h"), 120: gettext_lazy("2 h"), 240: gettext_lazy("4 h")}


class _Links:
    """The page's query with some fields replaced (and no seat), as a link: each chip is a
    plain link (no JS needed). The unchanged part of the query is encoded once per set of
    changed fields, not once per chip."""

    def __init__(self, query: list[tuple[str, str]]) -> None:
        self.query = query
        self._kept: dict[tuple[str, ...], str] = {}

    def __call__(self, **changes: str) -> str:
        names = tuple(changes)
        kept = self._kept.get(names)
        if kept is None:
            pairs = [(k, v) for k, v in self.query if k not in changes and k != "seat"]
            kept = self._kept[names] = urlencode(pairs)
        tail = _encoded(tuple(changes.items()))
        return f"?{kept}&{tail}" if kept and tail else f"?{kept or tail}"


# The changed fields of the chips are a day's dates and grid times: the same few hundred pairs
# on every page, each encoded once per process (a pure function of its argument).
@functools.lru_cache(maxsize=4096)
def _encoded(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs)


@functools.lru_cache(maxsize=512)
def _date_label(day: dt.date, format_string: str, language: str | None) -> str:
    """``formats.date_format`` in ``language`` (the active one, passed as the key): the strip
    names the same seven days on every page."""
    return formats.date_format(day, format_string)


def _fit(policy, start: dt.datetime, minutes: int) -> int:
    """The chosen length where ``start`` allows it, else the nearest shorter (or the minimum).

    ``start`` is a start of the policy's grid (slots.slot_starts_between: the policy's zone
    object), so ``durations_from`` counts the minutes to closing in wall-clock time from its
    time of day alone, and the answer is one of a few per policy."""
    return _fit_at(
        start.time(),
        minutes,
        policy.closes_at,
        policy.min_minutes,
        policy.max_minutes,
        policy.slot_minutes,
    )


@functools.lru_cache(maxsize=4096)
def _fit_at(
    start: dt.time, minutes: int, closes_at: dt.time, min_minutes: int, max_minutes: int, step: int
) -> int:
    # What durations_from subtracts: closing minus the start on one day, one zone object.
    day = dt.date(2000, 1, 3)
    to_close = dt.datetime.combine(day, closes_at) - dt.datetime.combine(day, start)
    rules = SimpleNamespace(min_minutes=min_minutes, max_minutes=max_minutes, slot_minutes=step)
    until_close = int(to_close.total_seconds() // 60)
    allowed = slots.durations_until(rules, until_close, {minutes})
    return max((m for m in allowed if m <= minutes), default=allowed[0] if allowed else minutes)


def _picker(
    policy, start: dt.datetime, end: dt.datetime, query: list[tuple[str, str]], now: dt.datetime
) -> dict:
    """Day strip, start chips and duration chips for the chosen window: only windows the
    policy accepts are offered, so any day and length is two taps from the map."""
    tz = policy.tz
    link = _Links(query)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    minutes = int((end - start).total_seconds() // 60)
    today = timezone.localdate(timezone=tz)
    language = get_language()
    # slots.day_slot_starts's bounds, once for the eight days asked for.
    earliest, latest = slots.start_bounds(policy, now)
    days = []
    starts_of: dict[dt.date, list[dt.datetime]] = {}  # the chosen day's are needed twice
    for offset in range(min(DAYS_SHOWN, policy.advance_days + 1)):
        day = today + dt.timedelta(days=offset)
        starts = starts_of[day] = slots.slot_starts_between(policy, day, earliest, latest)
        if not starts:
            continue
        first = starts[0]
        # Keep the chosen time of day when that day offers it, else its first start.
        same = next((s for s in starts if s.time() == local_start.time()), first)
        length = _fit(policy, same, minutes)
        label = _("Today") if offset == 0 else _("Tomorrow") if offset == 1 else None
        days.append(
            {
                "label": label or _date_label(day, "D j", language),
                "full": _date_label(day, "l, j E", language),
                "current": day == local_start.date(),
                "url": link(
                    date=day.isoformat(),
                    start=f"{same:%H:%M}",
                    end=f"{same + dt.timedelta(minutes=length):%H:%M}",
                ),
            }
        )
    chosen_day = local_start.date()
    starts = starts_of.get(chosen_day)
    if starts is None:
        starts = slots.slot_starts_between(policy, chosen_day, earliest, latest)
    start_chips = []
    for s in starts:
        if s != starts[0] and s.minute:  # the first slot, then whole hours: few chips
            continue
        length = _fit(policy, s, minutes)
        start_chips.append(
            {
                "label": f"{s:%H:%M}",
                "current": s == local_start,
                "url": link(start=f"{s:%H:%M}", end=f"{s + dt.timedelta(minutes=length):%H:%M}"),
            }
        )
    durations = []
    if starts and local_start in starts:
        allowed = slots.durations_from(policy, local_start, set(DURATIONS))
        whole = max(allowed) if allowed else 0
        for length in sorted({m for m in allowed if m in DURATIONS} | {whole} - {0}):
            durations.append(
                {
                    "label": _("Whole day") if length == whole else DURATIONS[length],
                    "until": f"{local_start + dt.timedelta(minutes=length):%H:%M}",
                    "current": length == minutes,
                    "url": link(end=f"{local_start + dt.timedelta(minutes=length):%H:%M}"),
                }
            )
    return {"days": days, "starts": start_chips, "durations": durations, "end": local_end}


def _window_label(start: dt.datetime, end: dt.datetime, tz) -> str:
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = formats.date_format(local_start.date(), "D, j E")
    return f"{day}, {local_start:%H:%M}–{local_end:%H:%M}"


@require_http_methods(["GET", "POST"])
def floor_map(request: HttpRequest) -> HttpResponse:
    policy = get_policy()
    # Floor.objects.all() (Meta.ordering), its statement written once (bookit.rows).
    floors = sql_rows.all_of(Floor, order_by=tuple(Floor._meta.ordering))
    source = request.POST if request.method == "POST" else request.GET
    form = _map_form(source, policy, floors)
    start, end = _window(form, policy)

    book_form, status = None, 200
    if request.method == "POST":
        book_form = BookForm(request.POST, policy=policy)
        response, status = _book(request, book_form, form, policy)
        if response is not None:
            return response

    # The rules are not re-implemented here: the service says why a window cannot be booked.
    window_ok = not form.errors
    if window_ok:
        try:
            services.validate_window(start=start, end=end, rule=default_rule(policy))
        except DomainError as exc:
            add_service_error(form, exc)
            window_ok = False

    floor_id = form.cleaned_data.get("floor") or (floors[0].pk if floors else None)
    floor = next((f for f in floors if f.pk == floor_id), floors[0] if floors else None)
    states = []
    if floor is not None:
        seats = seat_rows(
            viewer=request.user,
            floor=floor.pk,
            kind=form.cleaned_data.get("kind") or None,
            amenity=",".join(form.cleaned_data.get("amenity") or []) or None,
            include_inactive=True,
        )
        states = selectors.seat_availability(
            seats=seats, start=start, end=end, user=request.user, policy=policy
        )

    query = _query(form, start, end, policy.tz)
    base_query = urlencode(query)
    hidden = [(k, v) for k, v in query if k in FILTER_FIELDS]
    rows = _seat_rows(states, policy.tz)
    can_book = request.user.can_book and window_ok
    wanted = book_form.data.get("seat") if book_form is not None else request.GET.get("seat")
    confirm = next((r for r in rows if str(r["seat"].pk) == str(wanted or "")), None)
    info = None
    if book_form is None and not (can_book and confirm and confirm["state"] == "free"):
        # A seat that cannot be booked, tapped without JavaScript: say why (until when).
        info = confirm
        confirm = None  # a GET confirmation only for a seat that can be booked now
    window_label = _window_label(start, end, policy.tz)
    picker = _picker(policy, start, end, query, timezone.now())
    seat_glyphs, seat_table_rows = map_markup.seat_markup(
        rows, can_book=can_book, base_query=base_query, window_label=window_label
    )
    usual = _usual(request.user, rows, query) if request.user.can_book else None
    counts = Counter(r["state"] for r in rows)  # the legend's, in one pass
    context = {
        "form": form,
        "filter_fields": {
            name: widgets.field_html(form[name])
            for name in ("date", "start", "end", "floor", "kind")
        },
        "amenity_boxes": widgets.labelled_boxes(form["amenity"]),
        "book_form": book_form,
        "floors": floors,
        "floor": floor,
        "rows": rows,
        "counts": {s: counts[s] for s in ("free", "busy", "mine", "blocked")},
        "hidden_inputs": map_markup.hidden_inputs(hidden),
        # The colleague search keeps the window and floor, not the seat filters.
        "colleague_hidden_inputs": map_markup.hidden_inputs(
            [(k, v) for k, v in hidden if k not in ("amenity", "kind")], newline=False
        ),
        "base_query": base_query,
        "floor_links": [
            (f, urlencode([(k, v) for k, v in query if k != "floor"] + [("floor", f.pk)]))
            for f in floors
        ],
        "window_label": window_label,
        "picker": picker,
        "picker_chips": map_markup.picker_chips(picker),
        "seat_glyphs": GLYPHS_HERE,
        "seat_table_rows": TABLE_ROWS_HERE,
        "can_book": can_book,
        "confirm": confirm,
        "info": info,
        # Zones are drawing only; demo names are catalog messages (seats/demo.py).
        "zones": [(z, _(z.name)) for z in floor_zones(floor.pk)] if floor is not None else [],
        "policy": policy,
        "repeat_weekdays": WEEKDAYS,
        "usual": usual,
        "colleagues": _colleagues(request, start, policy, query),
        "page_url": request.get_full_path(),
        "urls": {
            "home": map_markup.url("reservations:home"),
            "favourite": map_markup.url("reservations:favourite"),
        },
    }
    page = render_to_string("reservations/floor_map.html", context, request)
    chunks = _spliced(page, ((GLYPHS_HERE, seat_glyphs), (TABLE_ROWS_HERE, seat_table_rows)))
    return HttpResponse(chunks, status=status)


# The seats' markup is most of the page (~200,000 characters). Rendered in place, each
# enclosing node list ({% if rows %}, {% if floor %}, the block, the base template) would copy
# it twice more (its join and its SafeString); the template gets a placeholder each, never
# found elsewhere in a page (random per process), and the response is the page's pieces with
# the markup (already encoded, map_markup.seat_markup) between them: HttpResponse encodes the
# rest and joins the bytes once.
GLYPHS_HERE = mark_safe(f"<!--glyphs-{secrets.token_hex(16)}-->")  # noqa: S308
TABLE_ROWS_HERE = mark_safe(f"<!--rows-{secrets.token_hex(16)}-->")  # noqa: S308


def _spliced(page: str, pieces: tuple[tuple[str, str | bytes], ...]) -> list[str | bytes]:
    """``page`` with each placeholder (in page order; an absent one is skipped) replaced."""
    chunks: list[str | bytes] = []
    for placeholder, markup in pieces:
        before, found, after = page.partition(placeholder)
        if found:
            chunks += (before, markup)
            page = after
    chunks.append(page)
    return chunks


def _usual(user, rows: list[dict], query: list[tuple[str, str]]) -> dict | None:
    """ "Book my usual seat": the member's usual seat (a favourite, else the one booked most)
    with a link to its confirmation in the chosen window, on whichever floor it is."""
    seat = selectors.usual_seat(user=user)
    if seat is None:
        return None
    row = next((r for r in rows if r["seat"].pk == seat.pk), None)
    pairs = [(k, v) for k, v in query if k not in ("floor", "kind", "amenity")]
    return {
        "seat": seat,
        "kind_label": row["kind_label"] if row is not None else seat.get_kind_display(),
        "floor": seat.floor.display_name,
        "url": "?" + urlencode([*pairs, ("floor", seat.floor_id), ("seat", seat.pk)]),
        # On this floor its state is known; elsewhere the link's page says.
        "state": row["state"] if row is not None else None,
        "status": row["status"] if row is not None else "",
    }


def _colleagues(
    request: HttpRequest, start: dt.datetime, policy, query: list[tuple[str, str]]
) -> dict | None:
    """The colleague search under the map (``?who=``): where opted-in colleagues sit that day."""
    if "who" not in request.GET:
        return None
    pairs = [(k, v) for k, v in query if k not in ("floor", "kind", "amenity")]
    who = request.GET.get("who", "").strip()[:100]
    day = start.astimezone(policy.tz).date()
    found = selectors.colleagues(search=who, day=day, viewer=request.user)
    rows = []
    for member, bookings in found:
        rows.append(
            {
                "name": member.first_name,
                "bookings": [
                    {
                        "seat": r.seat.label,
                        "floor": r.seat.floor.display_name,
                        "window": f"{timezone.localtime(r.start, policy.tz):%H:%M}–"
                        f"{timezone.localtime(r.end, policy.tz):%H:%M}",
                        # The seat on the map in the chosen window: near it, or free later?
                        "url": "?"
                        + urlencode([*pairs, ("floor", r.seat.floor_id), ("seat", r.seat_id)]),
                    }
                    for r in bookings
                ],
            }
        )
    return {"who": who, "day": day, "rows": rows}


def _book(
    request, book_form: BookForm, map_form: MapForm, policy
) -> tuple[HttpResponse | None, int]:
    """Book the posted seat: (redirect, 302) on success, else (None, status) with form errors."""
    if not book_form.is_valid():
        return None, 400
    seat = Seat.objects.select_related("floor").filter(pk=book_form.cleaned_data["seat"]).first()
    if seat is None:
        book_form.add_error(None, _("This seat does not exist."))
        return None, 400
    if request.POST.get("repeat"):
        return _book_series(request, book_form, seat, policy)
    try:
        if request.POST.get("whole_day"):
            # One tap: the day's opening hours (today: from the current slot), same rules.
            start, end = slots.whole_day_window(policy, book_form.cleaned_data["date"])
        else:
            start, end = book_form.window()
        services.reservation_create(user=request.user, seat=seat, start=start, end=end)
    except DomainError as exc:
        add_service_error(book_form, exc)
        return None, exc.status_code
    messages.success(
        request,
        _("Booked: seat %(seat)s, %(floor)s, %(window)s.")
        % {
            "seat": seat.label,
            "floor": seat.floor.display_name,
            "window": _window_label(start, end, policy.tz),
        },
    )
    local_start, local_end = start.astimezone(policy.tz), end.astimezone(policy.tz)
    pairs = [("date", local_start.date().isoformat()), ("start", f"{local_start:%H:%M}")]
    pairs += [("end", f"{local_end:%H:%M}"), ("floor", str(seat.floor_id))]
    if map_form.cleaned_data.get("kind"):
        pairs.append(("kind", map_form.cleaned_data["kind"]))
    pairs += [("amenity", a) for a in map_form.cleaned_data.get("amenity") or []]
    return redirect(f"{reverse('reservations:home')}?{urlencode(pairs)}"), 302


def _book_series(
    request, book_form: BookForm, seat: Seat, policy
) -> tuple[HttpResponse | None, int]:
    """ "Repeat" on the booking step: the free occurrences are booked, the others reported."""
    repeat_form = RepeatForm(request.POST)
    if not repeat_form.is_valid():
        for errors in repeat_form.errors.values():
            for error in errors:
                book_form.add_error(None, error)
        return None, 400
    start, end = book_form.window()
    data = repeat_form.cleaned_data
    repeat = series.Repeat(freq=data["freq"], weekdays=data["weekdays"], count=data["count"])
    try:
        _series, occurrences = series.series_create(
            user=request.user, seat=seat, start=start, end=end, repeat=repeat
        )
    except DomainError as exc:
        add_service_error(book_form, exc)
        return None, exc.status_code
    booked = [o for o in occurrences if o.reservation is not None]
    messages.success(
        request,
        _("Repeating booking of seat %(seat)s: %(n)d of %(total)d booked.")
        % {"seat": seat.label, "n": len(booked), "total": len(occurrences)},
    )
    for o in occurrences:
        if o.reservation is None:
            day = formats.date_format(o.start.astimezone(policy.tz).date(), "D, j E")
            messages.warning(
                request, _("Skipped %(day)s: %(reason)s") % {"day": day, "reason": o.reason}
            )
    return redirect(reverse("reservations:list")), 302
