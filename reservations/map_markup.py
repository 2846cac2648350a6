"""The floor map's per-seat markup (SVG glyphs and table rows), built in Python.

Why not the template loop: 200 seats through ``{% for %}`` cost ~3,000 variable lookups, 400
``{% translate %}`` calls and 1,000 number localisations per page, about nine tenths of the
page's time (docs/performance.md). The markup is the same bytes the loop produced, still
server-rendered and still usable without JavaScript. Every value is escaped with
``html.escape``, which is what Django's ``escape`` (and so autoescaping) runs on a ``str``,
without its lazy-string wrapper, and each value once per seat even where it appears twice. The
words that are the same for every seat (button labels, URLs) are escaped once per page; the
texts that are the same on every page showing the seat alike (its drawing, its description,
kind, amenity and status names) once per process. The page around it stays a template.
"""

import functools
from html import escape
from typing import NamedTuple

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seats.models import DEFAULT_GLYPH, SEAT_GLYPHS


def url(name: str) -> str:
    """``reverse(name)`` of a URL without arguments, memoized by what the answer depends on:
    the URLconf, the script prefix (both set per request or test) and the active language.
    The page names the same few URLs on every request; each reverse() costs ~50 µs."""
    return _reversed(name, get_urlconf(settings.ROOT_URLCONF), get_script_prefix(), get_language())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, prefix: str, language: str | None) -> str:
    return reverse(name, urlconf=urlconf)


class _Page(NamedTuple):
    """What a seat's markup takes from the page: the window's links and words, escaped, and
    the response's charset."""

    charset: str
    can_book: bool
    seat_url: str
    list_url: str
    join_url: str
    book: str
    book_seat: str
    wait: str
    wait_seat: str


def seat_markup(
    rows: list[dict], *, can_book: bool, base_query: str, window_label: str
) -> tuple[bytes, bytes]:
    """(SVG glyphs, table rows) of the seats, in one pass, encoded in the charset of the
    response they are spliced into (HttpResponse's, DEFAULT_CHARSET): most of the page's
    bytes, each seat's encoded once with its markup rather than on every page.

    The glyph is a link to book a free seat, to the list for one's own, to its explanation for
    one that cannot be booked; an inactive seat is only drawn. The table row has a Book button
    on a free seat and a waitlist button on a busy one when booking is open.

    A seat's markup is a function of the page's words (``_Page``) and of the seat's own values
    (the key below: every value ``_seat`` reads): a seat shown again alike, in the same window,
    state and language, reuses the markup written the first time; anything else is a new key.
    """
    window = escape(window_label)
    page = _Page(
        charset=settings.DEFAULT_CHARSET,
        can_book=can_book,
        # No #fragment: a document with a :target element skips autofocus, and the
        # confirmation's autofocused Book button is what makes Enter-Enter book.
        seat_url=f"?{escape(base_query)}&amp;seat=",
        list_url=escape(url("reservations:list")),
        join_url=escape(url("reservations:waitlist-join")),
        book=escape(_("Book")),
        # The aria-labels of the buttons, with the seat's label still to fill in.
        book_seat=_("Book seat %(seat)s, %(window)s") % {"seat": "\0", "window": window},
        wait=escape(_("Join the waitlist")),
        wait_seat=_("Join the waitlist for seat %(seat)s, %(window)s")
        % {"seat": "\0", "window": window},
    )
    written = _written(page)
    if len(written) > SEATS_REMEMBERED:  # bookings come and go: keep the recent ones
        written.clear()
    glyphs, table = [], []
    for r in rows:
        seat = r["seat"]
        key = (
            seat.id,
            seat.label,
            seat.x,
            seat.y,
            seat.kind,
            r["state"],
            r["description"],
            r["caption"],
            r["status"],
            r["kind_label"],
            r["amenities"],
            r["favourite"],
        )
        pair = written.get(key)
        if pair is None:
            pair = written[key] = _seat(page, *key)
        glyphs.append(pair[0])
        table.append(pair[1])
    # Every interpolated value is escaped in _seat.
    return b"".join(glyphs), b"".join(table)


_GLYPH_SIZES: dict[str, tuple[int, int]] = {str(kind): size for kind, size in SEAT_GLYPHS.items()}
# Per page's words (one floor in one window and language): a 200-seat floor five times over
# as bookings change. About 1 KB a seat, so at most ~16 MB for the sixteen pages below.
SEATS_REMEMBERED = 1000


# The markup written for each page's words: the last sixteen floors, windows and languages.
@functools.lru_cache(maxsize=16)
def _written(page: _Page) -> dict[tuple, tuple[bytes, bytes]]:
    return {}


def _seat(
    page: _Page,
    pk: int,
    raw_label: str,
    x: int,
    y: int,
    seat_kind: str,
    state: str,
    raw_description: str,
    caption: str,
    status: str,
    kind_label: str,
    amenity_names: str,
    favourite: bool,
) -> tuple[bytes, bytes]:
    """(the SVG glyph, the table row) of one seat, encoded."""
    label, shape = _shape(raw_label, x, y, _GLYPH_SIZES.get(seat_kind, DEFAULT_GLYPH))
    description = _escaped(raw_description)
    kind = _escaped(kind_label)
    button = ""
    if state == "free" and page.can_book:
        open_tag = (
            f'<a class="seat free" href="{page.seat_url}{pk}" id="seat-{pk}" '
            f'data-seat-id="{pk}" data-seat-label="{label} ({kind})" '
            f'data-favourite="{1 if favourite else 0}" '
            f'aria-label="{description}. {page.book}">'
        )
        close_tag = "</a>"
        button = (
            f'\n            <button type="submit" name="seat" value="{pk}" '
            f'class="primary small" data-seat-id="{pk}" data-seat-label="{label} ({kind})" '
            f'aria-label="{page.book_seat.replace(chr(0), label)}">{page.book}</button>'
            "\n          "
        )
    elif state == "mine":
        open_tag = (
            f'<a class="seat mine" href="{page.list_url}" id="seat-{pk}" '
            f'aria-label="{description}">'
        )
        close_tag = "</a>"
    elif state == "inactive":
        open_tag = (
            f'<g class="seat {state}" id="seat-{pk}" tabindex="0" role="img" '
            f'aria-label="{description}">'
        )
        close_tag = "</g>"
    else:
        # Busy, closed or not for this time: a link that says why (and until when), with
        # floor_map.js in a panel, without it on the page the link opens.
        open_tag = (
            f'<a class="seat {state}" id="seat-{pk}" href="{page.seat_url}{pk}" '
            f'data-seat-info="{description}" aria-label="{description}">'
        )
        close_tag = "</a>"
        if state == "busy" and page.can_book:
            # The list's form carries the window; this button posts it to the waitlist.
            button = (
                f'\n            <button type="submit" name="seat" value="{pk}" '
                f'formaction="{page.join_url}" class="small" data-waitlist-seat="{pk}" '
                f'aria-label="{page.wait_seat.replace(chr(0), label)}">{page.wait}</button>'
                "\n          "
            )
    glyph = (
        f"\n    \n      {open_tag}\n    \n        <title>{description}</title>\n"
        f"{shape}{_escaped(caption)}</text>\n    {close_tag}\n  "
    )
    amenities = _escaped(amenity_names) or "—"
    row = (
        f'\n        <tr class="row-{state}">\n          <th scope="row">{label}</th>\n'
        f"          <td>{kind}</td>\n          <td>{amenities}</td>\n"
        f'          <td><span class="state {state}">{_escaped(status)}</span></td>\n'
        f"          <td>{button}</td>\n        </tr>\n      "
    )
    return glyph.encode(page.charset), row.encode(page.charset)


# The seat's drawing (its rectangle, label and the caption's position) depends on the four
# values of its key alone: built once per seat and process, whatever the window or language.
@functools.lru_cache(maxsize=8192)
def _shape(label: str, x: int, y: int, size: tuple[int, int]) -> tuple[str, str]:
    """(escaped label, the glyph's markup from its rectangle to the caption's text)."""
    width, height = size
    escaped = escape(label)
    return escaped, (
        f'        <rect x="{x - width // 2}" y="{y - height // 2}" width="{width}" '
        f'height="{height}" rx="8"/>\n'
        f'        <text x="{x}" y="{y - 3}" class="seat-label" '
        f'text-anchor="middle">{escaped}</text>\n'
        f'        <text x="{x}" y="{y + 14}" class="seat-status" text-anchor="middle">'
    )


# A seat's description is the same on every page that shows it in the same state (its label,
# kind, amenities, status), and captions, statuses, kind and amenity names repeat across a
# floor: each text is escaped once per process (a pure function of the text).
_escaped = functools.lru_cache(maxsize=8192)(escape)


def hidden_inputs(pairs: list[tuple[str, str]], *, newline: bool = True) -> SafeString:
    """An ``<input type="hidden">`` per (name, value): the page's window and filters in its
    forms, three times a page (the former _hidden.html's loop, with its file's final newline)."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in pairs
    )
    return mark_safe(inputs + "\n" if newline else inputs)  # noqa: S308 - escaped above


def picker_chips(picker: dict) -> dict[str, SafeString]:
    """The time picker's chip items (days, starts, durations) as the ``{% for %}`` loops of
    _picker.html wrote them: about 25 links a page, each a handful of template lookups."""
    until = _("until %(time)s")  # as {% blocktranslate %}: the value escaped, not the words

    def chip(c: dict, extra: str = "", tail: str = "") -> str:
        current = ' aria-current="true"' if c["current"] else ""
        return (
            f'\n    <li><a class="chip" href="{escape(c["url"])}" data-swap{extra}{current}>'
            f"{escape(str(c['label']))}{tail}</a></li>\n  "
        )

    days = "".join(chip(d, extra=f' title="{escape(d["full"])}"') for d in picker["days"])
    starts = "".join(chip(c) for c in picker["starts"])
    durations = "".join(
        chip(c, tail=f" <small>{until % {'time': escape(c['until'])}}</small>")
        for c in picker["durations"]
    )
    # Every interpolated value is escaped above.
    return {
        "days": mark_safe(days),  # noqa: S308
        "starts": mark_safe(starts),  # noqa: S308
        "durations": mark_safe(durations),  # noqa: S308
    }
