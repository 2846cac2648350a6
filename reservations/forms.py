"""Forms of the booking pages: the floor map's time window, filters and seat, and the change of
a booking's time on "my bookings".

They only parse input. The booking rules (opening hours, steps, past, conflicts) live in
reservations.services; their errors are attached to these forms by
bookit.forms.add_service_error.
"""

import datetime as dt
import functools
from collections.abc import Iterator
from types import SimpleNamespace

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from bookit import widgets
from bookit.errors import ValidationFailed
from bookit.forms import add_service_error
from reservations import slots
from reservations.models import BookingPolicy, Reservation
from seats.models import Seat


class _Normalized(BaseChoiceIterator):
    """Choices already in normalize_choices()'s form (a sequence of (value, label) pairs):
    setting them on a field and its widget does not walk them again, twice a field, as a
    list does (~60 recursive calls per slot field, every map page)."""

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)


@functools.lru_cache(maxsize=32)
def _slot_choices(
    opens_at: dt.time, closes_at: dt.time, slot_minutes: int
) -> tuple[_Normalized, _Normalized]:
    """The start and end choices of a day's slot grid, built once per grid (every map view
    builds a window form; the grid changes only with the policy, which is the key)."""
    grid = SimpleNamespace(opens_at=opens_at, closes_at=closes_at, slot_minutes=slot_minutes)
    times = [f"{t:%H:%M}" for t in slots.slot_times(grid)]  # what slot_times reads
    return _Normalized(tuple((t, t) for t in times[:-1])), _Normalized(
        tuple((t, t) for t in times[1:])
    )


class WindowForm(forms.Form):
    """A day and a start/end pair from the policy's slot grid, in the coworking's time zone."""

    # An <input type=date> takes only ISO values: never the locale's 02.12.2026.
    # The widgets are Django's, rendered without a template per option (bookit.widgets).
    date = forms.DateField(
        label=_("Date"), widget=widgets.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    start = forms.ChoiceField(label=_("From"), widget=widgets.Select)
    end = forms.ChoiceField(label=_("Until"), widget=widgets.Select)

    def __init__(self, *args, policy: BookingPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        starts, ends = _slot_choices(policy.opens_at, policy.closes_at, policy.slot_minutes)
        self.fields["start"].choices = starts
        self.fields["end"].choices = ends
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
        if start and end:
            try:
                slots.ensure_ordered(start, end)
            except ValidationFailed as exc:
                add_service_error(self, exc)
        return data

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The aware [start, end) of a valid form."""
        tz, day = self.policy.tz, self.cleaned_data["date"]
        start = dt.time.fromisoformat(self.cleaned_data["start"])
        end = dt.time.fromisoformat(self.cleaned_data["end"])
        return dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz)


class MapForm(WindowForm):
    """The GET form of the map: the window plus floor, kind and amenity filters."""

    floor = forms.TypedChoiceField(
        label=_("Floor"), coerce=int, required=False, widget=widgets.Select
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=widgets.Select)
    amenity = forms.MultipleChoiceField(
        label=_("Amenities"),
        required=False,
        choices=Seat.Amenity.choices,
        widget=widgets.CheckboxSelectMultiple,
    )

    def __init__(self, *args, floors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor"].choices = [(f.pk, f.display_name) for f in floors]
        self.fields["kind"].choices = [("", _("Any kind")), *Seat.Kind.choices]


class BookForm(WindowForm):
    """The POST of the map page: one seat for the window."""

    seat = forms.IntegerField(label=_("Seat"), min_value=1, widget=forms.HiddenInput)


class ChangeTimeForm(WindowForm):
    """A new day and time for an existing booking, on the policy's slot grid."""

    @classmethod
    def for_reservation(cls, reservation: Reservation, *, policy: BookingPolicy, data=None):
        start = timezone.localtime(reservation.start, policy.tz)
        end = timezone.localtime(reservation.end, policy.tz)
        if end.date() != start.date():  # cannot happen under the policy; keep the form sane
            end = dt.datetime.combine(start.date(), policy.closes_at, policy.tz)
        initial = {"date": start.date(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        return cls(data, policy=policy, initial=initial, prefix=f"r{reservation.pk}")


WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class RepeatForm(forms.Form):
    """ "Repeat" on the booking step: daily or on weekdays, a number of times."""

    freq = forms.ChoiceField(
        label=_("Repeat"), choices=[("daily", _("Every day")), ("weekly", _("On weekdays"))]
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(label=_("Times"), min_value=1, max_value=100, initial=5)
