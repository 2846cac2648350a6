"""What the booking services say: every user-facing text of ``services.py``,
``services_blocks.py``, ``slots.py``, ``series.py``, ``desk.py`` and ``waitlist.py``, in one
place.

Fixed texts are lazy constants (translated when shown, in the language of the request); texts
with values are small functions that translate, then fill in. The msgids are those of the
catalogues in ``locale/``: change a text here and in both catalogues together.
"""

import datetime as dt

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Time windows (validate_window, check_interval, slots.ensure_ordered)
NEEDS_UTC_OFFSET = _("Times must include a UTC offset.")
END_BEFORE_START = _("The end must be after the start.")
IN_THE_PAST = _("This time is in the past.")
NO_TIME_LEFT_TODAY = _("There is no bookable time left on this day.")  # whole_day_window


def off_step(step: int) -> str:
    return gettext("Times must be on a %(step)d-minute step.") % {"step": step}


def outside_opening_hours(opens: dt.time, closes: dt.time) -> str:
    return gettext("Bookings must be within opening hours, %(opens)s–%(closes)s.") % {
        "opens": opens.strftime("%H:%M"),
        "closes": closes.strftime("%H:%M"),
    }


def too_short(minutes: int) -> str:
    return gettext("A booking lasts at least %(n)d minutes.") % {"n": minutes}


def too_long(minutes: int) -> str:
    if minutes % 60 or minutes < 120:  # no "at most 1 hours"
        return gettext("A booking lasts at most %(n)d minutes.") % {"n": minutes}
    return gettext("A booking lasts at most %(n)d hours.") % {"n": minutes // 60}


def too_far_ahead(days: int) -> str:
    return gettext("You can book at most %(n)d days ahead.") % {"n": days}


# Overlaps and limits (_check_overlaps, _refuse_block, _save_guarded)
SEAT_TAKEN = _("This seat is taken at that time.")
OVERLAPS_OWN = _("Overlaps another booking of this member.")
OVERLAPS = _("Overlaps another booking.")
SEAT_ALREADY_BOOKED = _("This seat is already booked at that time.")
MEMBER_ALREADY_BOOKED = _("You already have a booking at that time.")
SEAT_CLOSED = _("This seat is closed at that time.")


def seat_clash(*, mine: bool, seat: str, start: str, end: str) -> str:
    text = (
        gettext("You already booked seat %(seat)s from %(start)s to %(end)s.")
        if mine
        else gettext("Seat %(seat)s is already booked from %(start)s to %(end)s.")
    )
    return text % {"seat": seat, "start": start, "end": end}


def own_clash(*, start: str, end: str) -> str:
    return gettext("You already have a booking from %(start)s to %(end)s.") % {
        "start": start,
        "end": end,
    }


def seat_does_not_exist(pk: object) -> str:
    """Word for word the booking serializer's answer for an unknown seat id (DRF's
    PrimaryKeyRelatedField; DRF's catalogues translate it)."""
    return gettext('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=pk)


def too_many_upcoming(n: int, *, per_kind: bool = False, per_floor: bool = False) -> str:
    if per_kind:
        text = gettext("You can hold at most %(n)d upcoming bookings of this kind of seat.")
    elif per_floor:
        text = gettext("You can hold at most %(n)d upcoming bookings on this floor.")
    else:
        text = gettext("You can hold at most %(n)d upcoming bookings.")
    return text % {"n": n}


def seat_closed(*, seat: str, start: str, end: str, reason: str) -> str:
    return gettext("Seat %(seat)s is closed from %(start)s to %(end)s: %(reason)s") % {
        "seat": seat,
        "start": start,
        "end": end,
        "reason": reason,
    }


# Who may book what (_check_bookable), changing and cancelling
ACCOUNT_INACTIVE = _("This account is not active.")
AWAITING_VERIFICATION = _("Your account is waiting for staff verification.")
SEAT_NOT_BOOKABLE = _("This seat is not available for booking.")
NOT_CHANGEABLE = _("Only a booking that has not started can change.")
NOT_CANCELLABLE = _("This booking can no longer be cancelled.")

# Check-in
QR_INVALID = _("This QR code is not valid.")
QR_OTHER_BOOKING = _("This QR code belongs to another booking.")
CHECKIN_CLOSED = _("The check-in time for this booking has passed.")


def not_checkable(status: str) -> str:
    return gettext("This booking is %(status)s.") % {"status": status}


def checkin_not_open(minutes: int) -> str:
    return gettext("Check-in opens %(n)d minutes before the start.") % {"n": minutes}


# Seat blocks and booking rules (services_blocks.py)
SEAT_OR_FLOOR = _("Choose a seat or a floor, not both.")
BLOCK_NEEDS_REASON = _("Say why: members whose bookings are cancelled are told.")
RULE_ONE_SCOPE = _("A rule is for one seat kind or one floor.")


def too_many_characters(n: int) -> str:
    return gettext("At most %(n)d characters.") % {"n": n}


def closes_before_opening(*, closes: dt.time, opens: dt.time) -> str:
    return gettext("Closes at %(closes)s, not after it opens (%(opens)s).") % {
        "closes": closes.strftime("%H:%M"),
        "opens": opens.strftime("%H:%M"),
    }


def max_below_min(*, max_minutes: int, min_minutes: int) -> str:
    return gettext("The maximum (%(max)d min) is below the minimum (%(min)d min).") % {
        "max": max_minutes,
        "min": min_minutes,
    }


CANNOT_UNDO = _("This cancellation can no longer be undone.")


# Recurring bookings (series.py)
REPEAT_COUNT_OR_UNTIL = _("Give either a number of occurrences or an end date.")
SAME_DAY = _("A booking starts and ends on the same day.")
WEEKDAYS_RANGE = _("Weekdays are 0 (Monday) to 6 (Sunday).")
NO_OCCURRENCE = _("No occurrence falls on the chosen days.")
OCCURRENCE_SEAT_TAKEN = _("The seat is taken at that time.")
NONE_FREE = _("None of the occurrences is free.")


def too_many_occurrences(n: int) -> str:
    return gettext("At most %(n)d occurrences.") % {"n": n}


def series_too_far(days: int) -> str:
    return gettext("A series can run at most %(n)d days ahead.") % {"n": days}


def occurrence_closed(reason: str) -> str:
    return gettext("The seat is closed at that time: %(reason)s") % {"reason": reason}


# The desk's own QR code (desk.py)
SEAT_CODE_INVALID = _("This seat code is not valid.")
NOTHING_TO_CHECK_IN = _("You have no booking of this seat to check in now.")
SEAT_NOT_FREE_NOW = _("This seat is not free now.")
SEAT_TAKEN_NOW = _("This seat is taken now.")

# The waitlist (waitlist.py)
WAIT_SEAT_OR_AREA = _("Choose a seat, or a floor and/or a kind, not both.")
WAIT_FOR_WHAT = _("Choose a seat, a floor or a kind of seat.")
UNKNOWN_KIND = _("Unknown kind of seat.")
NO_SEAT_MATCHES = _("No seat matches.")
MATCHING_SEAT_FREE = _("A matching seat is free at that time.")
ALREADY_WAITING = _("You are already on the waitlist for that.")
ALREADY_WAITING_THEN = _("You are already on the waitlist at that time.")
OFFER_EXPIRED = _("This offer has expired.")
STILL_WAITING = _("No seat is offered to you yet: you are still waiting.")


def book_it_instead(seat: str) -> str:
    return gettext("Seat %(seat)s is free at that time: book it instead.") % {"seat": seat}


def too_many_waits(n: int) -> str:
    return gettext("You can be on the waitlist at most %(n)d times at once.") % {"n": n}


def entry_is(status: str) -> str:
    return gettext("This waitlist entry is %(status)s.") % {"status": status}
