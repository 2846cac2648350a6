"""The floor map's per-seat markup (SVG glyphs and table rows), built in Python.

Why not the template loop: 200 seats through ``{% for %}`` cost ~3,000 variable lookups, 400
``{% translate %}`` calls and 1,000 number localisations per page, about nine tenths of the
page's time (docs/performance.md). The markup is the same bytes the loop produced, still
server-rendered and still usable without JavaScript; every value is escaped with Django's
``escape``, exactly what autoescaping did. The page around it stays a template.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def seat_glyphs(rows: list[dict], *, can_book: bool) -> SafeString:
    """The SVG element of each seat: a link to book a free seat, to the list for one's own, to
    its explanation for one that cannot be booked; an inactive seat is only drawn."""
    book = escape(_("Book"))
    list_url = escape(reverse("reservations:list"))
    parts = []
    for r in rows:
        seat, state, description = r["seat"], r["state"], escape(r["description"])
        pk, label = seat.pk, escape(seat.label)
        if state == "free" and can_book:
            kind = escape(r["kind_label"])
            open_tag = (
                f'<a class="seat free" href="{escape(r["confirm_url"])}" id="seat-{pk}" '
                f'data-seat-id="{pk}" data-seat-label="{label} ({kind})" '
                f'data-favourite="{1 if r["favourite"] else 0}" '
                f'aria-label="{description}. {book}">'
            )
            close_tag = "</a>"
        elif state == "mine":
            open_tag = (
                f'<a class="seat mine" href="{list_url}" id="seat-{pk}" aria-label="{description}">'
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
                f'<a class="seat {state}" id="seat-{pk}" href="{escape(r["confirm_url"])}" '
                f'data-seat-info="{description}" aria-label="{description}">'
            )
            close_tag = "</a>"
        parts.append(
            f"\n    \n      {open_tag}\n    \n        <title>{description}</title>\n"
            f'        <rect x="{r["x"]}" y="{r["y"]}" width="{r["w"]}" height="{r["h"]}" rx="8"/>\n'
            f'        <text x="{r["cx"]}" y="{r["cy"] - 3}" class="seat-label" '
            f'text-anchor="middle">{label}</text>\n'
            f'        <text x="{r["cx"]}" y="{r["cy"] + 14}" class="seat-status" '
            f'text-anchor="middle">{escape(r["caption"])}</text>\n    {close_tag}\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above


def seat_table_rows(rows: list[dict], *, can_book: bool, window_label: str) -> SafeString:
    """The table row of each seat, with a Book button on a free seat when booking is open."""
    book = escape(_("Book"))
    book_seat = _("Book seat %(seat)s, %(window)s")
    wait = escape(_("Join the waitlist"))
    wait_seat = _("Join the waitlist for seat %(seat)s, %(window)s")
    join_url = escape(reverse("reservations:waitlist-join"))
    window = escape(window_label)
    parts = []
    for r in rows:
        seat, state = r["seat"], r["state"]
        pk, label, kind = seat.pk, escape(seat.label), escape(r["kind_label"])
        amenities = ", ".join(escape(a) for a in r["amenity_labels"]) or "—"
        button = ""
        if state == "free" and can_book:
            aria = book_seat % {"seat": label, "window": window}
            button = (
                f'\n            <button type="submit" name="seat" value="{pk}" '
                f'class="primary small" data-seat-id="{pk}" data-seat-label="{label} ({kind})" '
                f'aria-label="{aria}">{book}</button>\n          '
            )
        elif state == "busy" and can_book:
            # The list's form carries the window; this button posts it to the waitlist instead.
            aria = wait_seat % {"seat": label, "window": window}
            button = (
                f'\n            <button type="submit" name="seat" value="{pk}" '
                f'formaction="{join_url}" class="small" data-waitlist-seat="{pk}" '
                f'aria-label="{aria}">{wait}</button>\n          '
            )
        parts.append(
            f'\n        <tr class="row-{state}">\n          <th scope="row">{label}</th>\n'
            f"          <td>{kind}</td>\n          <td>{amenities}</td>\n"
            f'          <td><span class="state {state}">{escape(r["status"])}</span></td>\n'
            f"          <td>{button}</td>\n        </tr>\n      "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated value is escaped above
