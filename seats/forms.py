"""Forms of the floor map page: the time window, the filters, and the booking of one seat.

They only parse input. The booking rules (opening hours, steps, past, conflicts) live in
reservations.services; their errors are attached to these forms by ``add_service_error``.
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservations.models import BookingPolicy
from seats.models import Seat


def slot_times(policy: BookingPolicy) -> list[dt.time]:
    """Every slot boundary of a day, opening to closing time inclusive."""
    times = []
    minutes = policy.opens_at.hour * 60 + policy.opens_at.minute
    closes = policy.closes_at.hour * 60 + policy.closes_at.minute
    while minutes <= closes:
        times.append(dt.time(minutes // 60, minutes % 60))
        minutes += policy.slot_minutes
    return times


def default_window(policy: BookingPolicy, now: dt.datetime | None = None):
    """The next bookable hour: now rounded up to the slot step, inside opening hours.

    Falls back to tomorrow's opening when less than the minimum duration is left today.
    Returns (date, start time, end time) in the coworking's time zone.
    """
    local = timezone.localtime(now or timezone.now(), policy.tz)
    minutes = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    minutes += -minutes % policy.slot_minutes
    opens = policy.opens_at.hour * 60 + policy.opens_at.minute
    closes = policy.closes_at.hour * 60 + policy.closes_at.minute
    day = local.date()
    start = max(minutes, opens)
    if closes - start < max(policy.min_minutes, policy.slot_minutes):
        day, start = day + dt.timedelta(days=1), opens
    length = max(60, policy.min_minutes)
    length += -length % policy.slot_minutes
    end = min(start + length, closes)
    return day, dt.time(start // 60, start % 60), dt.time(end // 60, end % 60)


def _time_choices(times: list[dt.time]) -> list[tuple[str, str]]:
    return [(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in times]


class WindowForm(forms.Form):
    """A day and a start/end pair from the policy's slot grid, in the coworking's time zone."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.ChoiceField(label=_("From"))
    end = forms.ChoiceField(label=_("Until"))

    def __init__(self, *args, policy: BookingPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        times = slot_times(policy)
        self.fields["start"].choices = _time_choices(times[:-1])
        self.fields["end"].choices = _time_choices(times[1:])
        today = timezone.localdate(timezone=policy.tz)
        self.fields["date"].widget.attrs.update(
            {
                "min": today.isoformat(),
                "max": (today + dt.timedelta(days=policy.advance_days)).isoformat(),
            }
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return data

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The aware [start, end) of a valid form."""
        tz, day = self.policy.tz, self.cleaned_data["date"]
        start = dt.time.fromisoformat(self.cleaned_data["start"])
        end = dt.time.fromisoformat(self.cleaned_data["end"])
        return dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz)


class MapForm(WindowForm):
    """The GET form of the map: the window plus floor, kind and amenity filters."""

    floor = forms.TypedChoiceField(label=_("Floor"), coerce=int, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    amenity = forms.MultipleChoiceField(
        label=_("Amenities"),
        required=False,
        choices=Seat.Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, floors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor"].choices = [(f.pk, f.name) for f in floors]
        self.fields["kind"].choices = [("", _("Any kind")), *Seat.Kind.choices]


class BookForm(WindowForm):
    """The POST of the map page: one seat for the window."""

    seat = forms.IntegerField(label=_("Seat"), min_value=1, widget=forms.HiddenInput)


def add_service_error(form: forms.Form, exc) -> None:
    """Show a bookit.errors error next to the field it concerns, and its summary on top.

    A conflict says what it collides with in its message and names the field in ``errors``:
    both are shown. A plain field error is shown once, next to its field.
    """
    placed: set[str] = set()
    for field, messages in (exc.errors or {}).items():
        if field in form.fields and not form.fields[field].widget.is_hidden:
            for message in messages:
                form.add_error(field, str(message))
                placed.add(str(message))
    if str(exc.message) not in placed:
        form.add_error(None, str(exc.message))
