"""What the bot answers: plain sync functions, run from the async handlers via sync_to_async.

Each view takes the Telegram user (and arguments), finds the linked member and renders its
reply inside ``translation.override(member.language)`` in the same thread that runs the ORM
and the services, so service error messages come out in the member's language too.

Callback data (at most 64 bytes, Telegram's limit):
  b:d:YYYYMMDD             date picked            -> start times
  b:t:YYYYMMDDHHMM         start picked           -> durations
  b:w:YYYYMMDDHHMM:MIN     window picked          -> free seats
  b:s:YYYYMMDDHHMM:MIN:ID  seat picked            -> reservation_create
  c:ID / cy:ID / cn        cancel? / yes / keep   -> reservation_cancel
  sc:ID / scy:ID           cancel series? / yes   -> series_cancel (future occurrences)
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import close_old_connections
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from accounts.models import User
from bookit.errors import DomainError, NotFound
from bookit.links import absolute
from integrations.telegram import services
from integrations.telegram.messages import format_window, local
from reservations import selectors, slots, waitlist
from reservations import series as series_service
from reservations import services as booking
from reservations.models import Reservation, Series
from reservations.policy import get_policy
from seats.models import Seat
from seats.selectors import seats_filtered

DATE_DAYS = 7
SEATS_SHOWN = 30
DURATIONS = {60, 120, 240, 480}  # offered lengths in minutes, besides the minimum and "until close"


@dataclass
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None


def _language(user: User | None, tg_user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if user is not None and user.language in codes:
        return user.language
    code = (getattr(tg_user, "language_code", None) or "")[:2]
    return code if code in codes else settings.LANGUAGE_CODE


def _not_linked() -> Reply:
    return Reply(
        _(
            "This chat is not linked to a BookIT account yet. Open %(url)s, press "
            "“Link Telegram” and follow the link."
        )
        % {"url": absolute("/profile/")}
    )


def member_view(func: Callable[..., Reply]) -> Callable[..., Reply]:
    """Resolve the linked member and the language; unlinked chats are told how to link."""

    @wraps(func)
    def view(tg_user, *args) -> Reply:
        close_old_connections()  # a long-lived bot must not reuse a dropped connection
        user = services.user_for_telegram(telegram_id=tg_user.id)
        with override(_language(user, tg_user)):
            if user is None:
                return _not_linked()
            return func(user, *args)

    return view


def _keyboard(buttons: list[tuple[str, str]], per_row: int) -> list[list[InlineKeyboardButton]]:
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]


def _markup(buttons, per_row: int = 1, back: str | None = None) -> InlineKeyboardMarkup:
    rows = _keyboard(buttons, per_row)
    if back:
        rows.append([InlineKeyboardButton(_("« Back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def _reservation_line(reservation: Reservation) -> str:
    return _("Seat %(seat)s (%(floor)s), %(window)s") % {
        "seat": reservation.seat.label,
        "floor": reservation.seat.floor.display_name,
        "window": format_window(reservation.start, reservation.end),
    }


# --- commands ------------------------------------------------------------------------------


def command_menu(language: str) -> list[tuple[str, str]]:
    """(command, description) pairs for Telegram's command menu in ``language``."""
    with override(language):
        return [
            ("book", _("book a seat")),
            ("bookings", _("your upcoming bookings, with cancel buttons")),
            ("series", _("your repeating bookings, with cancel buttons")),
            ("tickets", _("your tickets and their status")),
            ("help", _("this list")),
        ]


def help_text() -> str:
    return "\n".join(
        [
            _("BookIT bot commands:"),
            "/book — " + _("book a seat"),
            "/bookings — " + _("your upcoming bookings, with cancel buttons"),
            "/series — " + _("your repeating bookings, with cancel buttons"),
            "/tickets — " + _("your tickets and their status"),
            "/help — " + _("this list"),
        ]
    )


def start_view(tg_user, args: list[str]) -> Reply:
    close_old_connections()
    if args:
        user = services.user_for_telegram(telegram_id=tg_user.id)
        with override(_language(user, tg_user)):
            try:
                user = services.telegram_link(
                    token=args[0], telegram_id=tg_user.id, username=tg_user.username or ""
                )
            except DomainError as exc:
                return Reply(str(exc.message))
        with override(_language(user, tg_user)):
            return Reply(
                _("Done! This chat is linked to %(email)s.") % {"email": user.email}
                + "\n\n"
                + help_text()
            )
    return _greet(tg_user)


@member_view
def _greet(user: User) -> Reply:
    return Reply(_("Hello, %(name)s!") % {"name": user.get_short_name()} + "\n\n" + help_text())


def help_view(tg_user, args: list[str]) -> Reply:
    user = services.user_for_telegram(telegram_id=tg_user.id)
    with override(_language(user, tg_user)):
        if user is None:
            return Reply(_not_linked().text + "\n\n" + help_text())
        return Reply(help_text())


@member_view
def bookings_view(user: User, args: list[str] | None = None) -> Reply:
    upcoming, _past = selectors.upcoming_split(user=user)
    if not upcoming:
        return Reply(_("You have no upcoming bookings. Book a seat with /book."))
    lines = [_("Your upcoming bookings:")]
    buttons = []
    for reservation in upcoming:
        lines.append("• " + _reservation_line(reservation))
        label = _("Cancel %(seat)s, %(when)s") % {
            "seat": reservation.seat.label,
            "when": local(reservation.start).strftime("%d.%m %H:%M"),
        }
        buttons.append((label, f"c:{reservation.pk}"))
    return Reply("\n".join(lines), _markup(buttons))


def _series_line(item: Series) -> str:
    upcoming = [o for o in item.reservations.all() if o.is_live and o.end > timezone.now()]
    days = ", ".join(local(o.start).strftime("%d.%m") for o in upcoming[:7])
    first = upcoming[0] if upcoming else None
    return _("Seat %(seat)s, %(time)s, %(n)d upcoming: %(days)s") % {
        "seat": item.seat.label,
        "time": f"{local(first.start):%H:%M}–{local(first.end):%H:%M}" if first else "—",
        "n": len(upcoming),
        "days": days or "—",
    }


@member_view
def series_view(user: User, args: list[str] | None = None) -> Reply:
    active = [
        item
        for item in series_service.series_for_user(user=user).filter(cancelled_at__isnull=True)
        if any(o.is_live and o.end > timezone.now() for o in item.reservations.all())
    ]
    if not active:
        return Reply(_("You have no repeating bookings. Use “Repeat” when booking on the site."))
    lines = [_("Your repeating bookings:")]
    buttons = []
    for item in active:
        lines.append("• " + _series_line(item))
        buttons.append((_("Cancel series %(seat)s") % {"seat": item.seat.label}, f"sc:{item.pk}"))
    return Reply("\n".join(lines), _markup(buttons))


def _ask_cancel_series(user: User, pk: int) -> Reply:
    item = series_service.series_for_user(user=user).filter(pk=pk).first()
    if item is None or item.cancelled_at is not None:
        return Reply(_("This series can no longer be cancelled."))
    text = _("Cancel every future booking of this series? %(line)s") % {"line": _series_line(item)}
    buttons = [(_("Yes, cancel them"), f"scy:{pk}"), (_("No, keep it"), "cn")]
    return Reply(text, _markup(buttons, per_row=2))


def _cancel_series(user: User, pk: int) -> Reply:
    item = series_service.series_for_user(user=user).filter(pk=pk).first()
    if item is None:
        return Reply(_("This series can no longer be cancelled."))
    count = series_service.series_cancel(series=item, by=user)
    return Reply(_("Series cancelled: %(n)d bookings freed.") % {"n": count})


@member_view
def tickets_view(user: User, args: list[str] | None = None) -> Reply:
    from tickets.models import Ticket  # imported lazily: the bot does not need tickets to run

    tickets = list(Ticket.objects.filter(author=user).order_by("-created_at", "-id")[:10])
    if not tickets:
        return Reply(_("You have no tickets."))
    lines = [_("Your tickets:")]
    for ticket in tickets:
        lines.append(
            f"#{ticket.pk} {ticket.subject} — {ticket.get_status_display()} "
            f"({local(ticket.created_at):%d.%m.%Y})"
        )
    return Reply("\n".join(lines))


@member_view
def book_view(user: User, args: list[str] | None = None) -> Reply:
    if not user.can_book:
        return Reply(_("Your account is waiting for staff verification."))
    return _pick_date(user)


# --- the booking flow ----------------------------------------------------------------------


def _pick_date(user: User) -> Reply:
    policy = get_policy()
    now = timezone.now()
    today = local(now).date()
    days = [today + dt.timedelta(days=i) for i in range(min(DATE_DAYS, policy.advance_days + 1))]
    buttons = [
        (dateformat.format(day, "D d.m"), f"b:d:{day:%Y%m%d}")
        for day in days
        if slots.day_slot_starts(policy, day, now)
    ]
    if not buttons:
        return Reply(_("There are no free times to book right now."))
    return Reply(_("Pick a day:"), _markup(buttons, per_row=3))


def _pick_start(day: dt.date) -> Reply:
    starts = slots.day_slot_starts(get_policy(), day, timezone.now())
    if not starts:
        return Reply(_("This day is over. Pick another one."), _markup([], back="b:dates"))
    buttons = [(f"{s:%H:%M}", f"b:t:{s:%Y%m%d%H%M}") for s in starts]
    text = _("%(day)s. Pick the start time:") % {"day": dateformat.format(day, "D d.m")}
    return Reply(text, _markup(buttons, per_row=4, back="b:dates"))


def _durations(start: dt.datetime) -> list[int]:
    return slots.durations_from(get_policy(), start, DURATIONS)


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def _pick_duration(start: dt.datetime) -> Reply:
    buttons = []
    for minutes in _durations(start):
        end = start + dt.timedelta(minutes=minutes)
        label = f"{_duration_label(minutes)} (–{end:%H:%M})"
        buttons.append((label, f"b:w:{start:%Y%m%d%H%M}:{minutes}"))
    text = _("Start %(start)s. How long?") % {"start": f"{start:%d.%m %H:%M}"}
    return Reply(text, _markup(buttons, per_row=2, back=f"b:d:{start:%Y%m%d}"))


def _pick_seat(user: User, start: dt.datetime, minutes: int) -> Reply:
    end = start + dt.timedelta(minutes=minutes)
    states = selectors.seat_availability(seats=seats_filtered(), start=start, end=end, user=user)
    free = [s.seat for s in states if s.available][:SEATS_SHOWN]
    back = f"b:t:{start:%Y%m%d%H%M}"
    if not free:
        return Reply(_("No seats are free at that time. Try another time."), _markup([], back=back))
    floors = {seat.floor_id for seat in free}
    buttons = [
        (
            (
                seat.label if len(floors) == 1 else f"{seat.label} · {_(seat.floor_name)}"  # type: ignore[attr-defined]
            ),  # floor_name: an annotation of seats_filtered(), in the member's language
            f"b:s:{start:%Y%m%d%H%M}:{minutes}:{seat.pk}",
        )
        for seat in free
    ]
    text = _("%(window)s. Pick a free seat:") % {"window": format_window(start, end)}
    return Reply(text, _markup(buttons, per_row=3, back=back))


def _book(user: User, start: dt.datetime, minutes: int, seat_id: int) -> Reply:
    seat = Seat.objects.select_related("floor").filter(pk=seat_id).first()
    back = f"b:w:{start:%Y%m%d%H%M}:{minutes}"
    if seat is None:
        return _stale()
    try:
        reservation = booking.reservation_create(
            user=user, seat=seat, start=start, end=start + dt.timedelta(minutes=minutes)
        )
    except DomainError as exc:
        return Reply(str(exc.message), _markup([], back=back))
    text = _("Booked: %(line)s.") % {"line": _reservation_line(reservation)}
    return Reply(text, _markup([(_("Cancel booking"), f"c:{reservation.pk}")]))


# --- cancelling ----------------------------------------------------------------------------


def _own_reservation(user: User, pk: int) -> Reservation | None:
    return Reservation.objects.select_related("seat__floor").filter(pk=pk, user=user).first()


def _ask_cancel(user: User, pk: int) -> Reply:
    reservation = _own_reservation(user, pk)
    if reservation is None or not reservation.is_live:
        return Reply(_("This booking can no longer be cancelled."))
    text = _("Cancel this booking? %(line)s") % {"line": _reservation_line(reservation)}
    buttons = [(_("Yes, cancel it"), f"cy:{pk}"), (_("No, keep it"), "cn")]
    return Reply(text, _markup(buttons, per_row=2))


def _cancel(user: User, pk: int) -> Reply:
    reservation = _own_reservation(user, pk)
    if reservation is None:
        return Reply(_("This booking can no longer be cancelled."))
    try:
        booking.reservation_cancel(reservation=reservation, by=user)
    except DomainError as exc:
        return Reply(str(exc.message))
    return Reply(_("Cancelled: %(line)s.") % {"line": _reservation_line(reservation)})


# --- waitlist offers (reservations.waitlist) -----------------------------------------------


def _accept_offer(user: User, pk: int) -> Reply:
    try:
        reservation = waitlist.offer_accept(user=user, pk=pk)
    except NotFound:
        return _stale()
    except DomainError as exc:
        return Reply(str(exc.message))
    text = _("Booked: %(line)s.") % {"line": _reservation_line(reservation)}
    return Reply(text, _markup([(_("Cancel booking"), f"c:{reservation.pk}")]))


def _decline_offer(user: User, pk: int) -> Reply:
    try:
        waitlist.offer_decline(user=user, pk=pk)
    except NotFound:
        return _stale()
    except DomainError as exc:
        return Reply(str(exc.message))
    return Reply(_("Declined: the seat goes to the next in line."))


# --- callback dispatch ---------------------------------------------------------------------


def _stale() -> Reply:
    return Reply(_("This button is out of date. Start again with /book or /bookings."))


def _when(value: str) -> dt.datetime:
    naive = dt.datetime.strptime(value, "%Y%m%d%H%M")  # noqa: DTZ007 - made aware just below
    return naive.replace(tzinfo=get_policy().tz)


@member_view
def callback_view(user: User, data: str) -> Reply:
    parts = data.split(":")
    try:
        match parts:
            case ["b", "dates"]:
                return _pick_date(user)
            case ["b", "d", day]:
                return _pick_start(_when(day + "0000").date())
            case ["b", "t", start]:
                return _pick_duration(_when(start))
            case ["b", "w", start, minutes]:
                return _pick_seat(user, _when(start), int(minutes))
            case ["b", "s", start, minutes, seat]:
                return _book(user, _when(start), int(minutes), int(seat))
            case ["c", pk]:
                return _ask_cancel(user, int(pk))
            case ["cy", pk]:
                return _cancel(user, int(pk))
            case ["sc", pk]:
                return _ask_cancel_series(user, int(pk))
            case ["scy", pk]:
                return _cancel_series(user, int(pk))
            case ["cn"]:
                return Reply(_("The booking is kept."))
            case ["wa", pk]:
                return _accept_offer(user, int(pk))
            case ["wd", pk]:
                return _decline_offer(user, int(pk))
    except ValueError:
        pass
    return _stale()
