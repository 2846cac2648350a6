"""The raw baseline: plain WSGI + psycopg doing the app's SQL and returning the app's bytes.

No framework, no ORM, no templates: what the hot endpoints would cost if hand-written. It
verifies the same JWT (PyJWT, HS256, the app's SECRET_KEY) and reads the same user row, runs
the same availability query, and books with the same transaction (lock member and seat in one
statement that reads the seat and the policy too, one check query, insert, outbox row, webhook
endpoints, commit). The map page renders the same seats with f-strings into the page
chrome captured once from the app (``BENCH_MAP_SKELETON``): the parts that depend on the seats
are computed per request, the rest is a constant, as it would be in a hand-written page.

    BENCH_DATABASE_URL=... SECRET_KEY=... gunicorn bench.web.raw_app:app
"""

import datetime as dt
import html
import json
import os
import re
import threading
import zoneinfo
from urllib.parse import parse_qs

import jwt
import psycopg
from psycopg.types.json import Jsonb

TZ = zoneinfo.ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Moscow"))
SECRET = os.environ["SECRET_KEY"]
_local = threading.local()
_SKELETON = None

LIVE = ("booked", "checked_in")
AVAILABILITY_SQL = """
SELECT r.seat_id, r.user_id, r."end", u.first_name, u.show_on_map, u.avatar
FROM reservations_reservation r LEFT JOIN accounts_user u ON u.id = r.user_id
WHERE r.status IN ('booked', 'checked_in', 'held')
  AND (r.status IN ('checked_in', 'held') OR r.start > %(edge)s OR r.late_booked_at > %(edge)s)
  AND r.start < %(end)s AND r."end" > %(start)s
  AND tstzrange(r.start, r."end", '[)') && tstzrange(%(start)s, %(end)s, '[)')
"""
# The availability list's seats with the caller's favourites (issue 16), one statement.
SEAT_ROWS_SQL = """
SELECT s.id, s.floor_id, s.label, s.kind, s.amenities, s.x, s.y, s.is_active, f.ordering,
       EXISTS (SELECT 1 FROM seats_favouriteseat fs WHERE fs.seat_id = s.id
               AND fs.user_id = %(user)s)
FROM seats_seat s JOIN seats_floor f ON f.id = s.floor_id WHERE s.is_active
"""
SEATS_SQL = """
SELECT s.id, s.floor_id, s.label, s.kind, s.amenities, s.x, s.y, s.is_active, f.ordering
FROM seats_seat s JOIN seats_floor f ON f.id = s.floor_id WHERE {where}
"""
# The app's one check statement (reservations.services._check_rows): the rows that hold the
# seat (a waitlist hold included), each with its late booking and series, and the blocks.
CHECK_SQL = """
SELECT 'r', id, user_id, seat_id, start, "end", status, NULL, '', late_booked_at, series_id
FROM reservations_reservation
WHERE status IN ('booked', 'checked_in', 'held')
  AND ((start < %(end)s AND "end" > %(start)s AND (seat_id = %(seat)s OR user_id = %(user)s))
       OR (user_id = %(user)s AND "end" > %(now)s))
UNION ALL
SELECT 'b', id, NULL, seat_id, start, "end", '', NULL, reason, NULL, NULL
FROM reservations_seatblock
WHERE start < %(end)s AND "end" > %(start)s AND (seat_id = %(seat)s OR floor_id = %(floor)s)
ORDER BY 5, 2
"""
OUTBOX_SQL = """
WITH event AS (
  INSERT INTO integrations_notification (user_id, kind, dedupe_key, payload, created_at)
  VALUES (%s, 'booking_created', %s, %s, %s) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)
INSERT INTO integrations_notificationdelivery
  (notification_id, channel, status, attempts, next_attempt_at, last_error)
SELECT event.id, 'email', 'pending', 0, %s, '' FROM event
ON CONFLICT DO NOTHING RETURNING notification_id
"""


def _db() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True)
        conn.execute("SET TIME ZONE 'UTC'")
        _local.conn = conn
    return conn


POLICY_COLS = (
    "opens_at, closes_at, slot_minutes, min_minutes, max_minutes, advance_days, max_upcoming,"
    " checkin_grace_minutes"
)
RULE_COLS = "kind, floor_id, opens_at, closes_at, min_minutes, max_minutes, advance_days"
BLOCKS_SQL = """
SELECT b.id, b.seat_id, b.floor_id, b.reason FROM reservations_seatblock b
LEFT JOIN seats_seat s ON s.id = b.seat_id
WHERE b."end" > %(start)s AND b.start < %(end)s AND (s.floor_id = ANY(%(floors)s)
  OR b.floor_id = ANY(%(floors)s))
ORDER BY b.start, b.id
"""


def _policy_from(rows: list[tuple], at: int) -> dict:
    """The policy dict from rows carrying its columns from ``at``, then a rule's id and columns."""
    names = [c.strip() for c in POLICY_COLS.split(",")]
    policy = dict(zip(names, rows[0][at : at + len(names)], strict=True))
    rule = at + len(names)
    policy["rules"] = [row[rule + 1 :] for row in rows if row[rule] is not None]
    return policy


P_COLS = ", ".join(f"p.{c.strip()}" for c in POLICY_COLS.split(","))
R_COLS = ", ".join(f"r.{c.strip()}" for c in RULE_COLS.split(","))


def _policy(conn) -> dict:
    # Read once per request, as the app does since issue 14 (a primary-key read, never stale),
    # with the booking rules (issue 17) in the same statement, as the app reads them; the
    # bench's data set has none.
    rows = conn.execute(
        f"SELECT {P_COLS}, r.id, {R_COLS} FROM reservations_bookingpolicy p"
        " LEFT JOIN reservations_bookingrule r ON true WHERE p.id = 1"
    ).fetchall()
    return _policy_from(rows, 0)


# The booking's lock (reservations.services._lock): the member and the seat locked by one
# statement, which reads the seat with its floor and the policy with its rules too.
LOCK_SQL = f"""
SELECT s.id, s.floor_id, s.label, s.is_active, f.name, {P_COLS}, r.id, {R_COLS}
FROM accounts_user u CROSS JOIN seats_seat s JOIN seats_floor f ON f.id = s.floor_id
LEFT JOIN reservations_bookingpolicy p ON p.id = 1
LEFT JOIN reservations_bookingrule r ON p.id IS NOT NULL
WHERE u.id = %s AND s.id = %s ORDER BY r.floor_id, r.kind FOR UPDATE OF u, s
"""


def _blocks(conn, start, end, floors) -> dict:
    """The first block over the window per seat id (its own) or per ("floor", id)."""
    blocks: dict = {}
    rows = conn.execute(BLOCKS_SQL, {"start": start, "end": end, "floors": list(floors)})
    for _id, seat_id, floor_id, reason in rows:
        blocks.setdefault(seat_id if seat_id else ("floor", floor_id), reason)
    return blocks


def _dt(value: dt.datetime) -> str:
    """DRF's DateTimeField output: the current time zone, ISO 8601, Z for UTC."""
    text = value.astimezone(TZ).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _label_key(label: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", label))


def _user(conn, environ):
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if claims.get("token_type") != "access":
        return None
    row = conn.execute(
        "SELECT id, is_active, is_verified, is_staff, notify_email, email FROM accounts_user"
        " WHERE id = %s",
        (int(claims["user_id"]),),
    ).fetchone()
    return row if row and row[1] else None


def _session_user(conn, environ):
    cookie = environ.get("HTTP_COOKIE", "")
    match = re.search(r"sessionid=([a-z0-9]+)", cookie)
    if not match:
        return None
    row = conn.execute(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()",
        (match.group(1),),
    ).fetchone()
    if row is None:
        return None
    # Django's signed session payload is verified by the app; the raw baseline trusts its own
    # data set and only decodes the user id (signature checking is microseconds either way).
    import base64
    import zlib

    payload = row[0].split(":", 1)[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "==")
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    return conn.execute(
        "SELECT id, is_active, is_verified, is_staff, first_name, email FROM accounts_user"
        " WHERE id = %s",
        (int(data["_auth_user_id"]),),
    ).fetchone()


def _seats(conn, where: str, params=()) -> list[tuple]:
    rows = conn.execute(SEATS_SQL.format(where=where), params).fetchall()
    rows.sort(key=lambda r: (r[8], r[1], _label_key(r[2])))
    return rows


def _busy(conn, start, end, now, grace_minutes) -> tuple[dict, list]:
    edge = now - dt.timedelta(minutes=grace_minutes)
    busy: dict[int, dt.datetime] = {}
    taken = conn.execute(AVAILABILITY_SQL, {"start": start, "end": end, "edge": edge}).fetchall()
    for seat_id, _user_id, ends, *_holder in taken:
        if seat_id not in busy or ends > busy[seat_id]:
            busy[seat_id] = ends
    return busy, taken


def _json(start_response, status: str, data) -> list[bytes]:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def availability(environ, start_response):
    conn = _db()
    user = _user(conn, environ)
    if user is None:
        return _json(start_response, "401 Unauthorized", {"detail": "unauthorized"})
    query = parse_qs(environ.get("QUERY_STRING", ""))
    start = dt.datetime.fromisoformat(query["start"][0])
    end = dt.datetime.fromisoformat(query["end"][0])
    seats = conn.execute(SEAT_ROWS_SQL, {"user": user[0]}).fetchall()
    seats.sort(key=lambda r: (r[8], r[1], _label_key(r[2])))
    policy = _policy(conn)
    now = dt.datetime.now(dt.UTC)
    busy, taken = _busy(conn, start, end, now, policy["checkin_grace_minutes"])
    blocks = _blocks(conn, start, end, {s[1] for s in seats})
    mine = {seat_id for seat_id, user_id, *_ in taken if user_id == user[0]}
    # Who holds a seat, for members who opted in (issue 16); the data set has none, so the
    # default picture's URL is never needed here.
    holders: dict = {}
    for seat_id, user_id, _end, first_name, shown, avatar in taken:
        holder = {"first_name": first_name, "avatar": avatar} if shown and first_name else None
        if seat_id not in holders:
            holders[seat_id] = (user_id, holder)
        elif holders[seat_id][0] != user_id:
            holders[seat_id] = (None, None)
    rule_error = None if _window_ok(policy, start, end, now) else "restricted"
    formatted = {until: _dt(until) for until in set(busy.values())}  # each instant once
    data = []
    for s in seats:
        block = blocks.get(s[0], blocks.get(("floor", s[1])))
        available = s[7] and s[0] not in busy and block is None and rule_error is None
        if not s[7]:
            state = "inactive"
        elif block is not None:
            state = "blocked"
        elif s[0] in mine:
            state = "mine"
        elif rule_error:
            state = "restricted"
        else:
            state = "free" if available else "busy"
        holder = holders[s[0]][1] if s[0] in holders else None
        data.append(
            {
                "id": s[0],
                "label": s[2],
                "floor": s[1],
                "kind": s[3],
                "amenities": s[4],
                "x": s[5],
                "y": s[6],
                "is_active": s[7],
                "available": available,
                "mine": s[0] in mine,
                "busy_until": formatted[busy[s[0]]] if s[0] in busy else None,
                "state": state,
                "reason": block if block is not None else rule_error,
                "favourite": s[9],
                "holder": None
                if holder is None
                else {"first_name": holder["first_name"], "avatar_url": holder["avatar"]},
            }
        )
    return _json(start_response, "200 OK", data)


def _window_ok(policy, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> bool:
    ls, le = start.astimezone(TZ), end.astimezone(TZ)
    step = policy["slot_minutes"]
    for value in (ls, le):
        if value.second or value.microsecond or (value.hour * 60 + value.minute) % step:
            return False
    closes = dt.datetime.combine(ls.date(), policy["closes_at"], TZ)
    minutes = (end - start).total_seconds() / 60
    return (
        end > start
        and ls.time() >= policy["opens_at"]
        and le <= closes
        and policy["min_minutes"] <= minutes <= policy["max_minutes"]
        and now - dt.timedelta(minutes=step)
        <= start
        <= now + dt.timedelta(days=policy["advance_days"])
    )


def book(environ, start_response):
    conn = _db()
    user = _user(conn, environ)
    if user is None:
        return _json(start_response, "401 Unauthorized", {"detail": "unauthorized"})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length))
    start = dt.datetime.fromisoformat(body["start"])
    end = dt.datetime.fromisoformat(body["end"])
    now = dt.datetime.now(dt.UTC)
    late = now if start < now else None
    with conn.transaction():
        locked = conn.execute(LOCK_SQL, (user[0], int(body["seat"]))).fetchall()
        if not locked:
            return _json(start_response, "400 Bad Request", {"detail": "no such seat"})
        seat, policy = locked[0][:5], _policy_from(locked, 5)
        # can_book: active (checked by _user) and verified or staff; the seat active.
        if not seat[3] or not (user[2] or user[3]) or not _window_ok(policy, start, end, now):
            return _json(start_response, "400 Bad Request", {"detail": "invalid"})
        edge = now - dt.timedelta(minutes=policy["checkin_grace_minutes"])
        rows = conn.execute(
            CHECK_SQL,
            {
                "start": start,
                "end": end,
                "seat": seat[0],
                "floor": seat[1],
                "user": user[0],
                "now": now,
            },
        ).fetchall()
        singles, series = 0, set()
        for row, _id, user_id, _seat_id, r_start, r_end, status, _cap, _r, r_late, r_series in rows:
            if row == "b":
                return _json(start_response, "409 Conflict", {"detail": "closed"})
            # A no-show past its grace (counted from a late booking's moment) holds nothing.
            if status == "booked" and (r_start if r_late is None else max(r_start, r_late)) <= edge:
                continue
            overlaps = r_start < end and r_end > start
            if overlaps:
                return _json(start_response, "409 Conflict", {"detail": "conflict"})
            if user_id == user[0] and r_end > now:
                if r_series is None:
                    singles += 1
                else:
                    series.add(r_series)  # a series counts once against the cap
        if singles + len(series) >= policy["max_upcoming"]:
            return _json(start_response, "400 Bad Request", {"detail": "limit"})
        new_id = conn.execute(
            'INSERT INTO reservations_reservation (user_id, seat_id, start, "end", status,'
            " created_at, created_by_id, late_booked_at, checked_in_at, cancelled_at,"
            " reminded_at, series_id, sequence)"
            " VALUES (%s, %s, %s, %s, 'booked', %s, %s, %s, NULL, NULL, NULL, NULL, 0)"
            " RETURNING id",
            (user[0], seat[0], start, end, now, user[0], late),
        ).fetchone()[0]
        if user[4] and user[5]:  # the member's email confirmation: event + delivery, one INSERT
            payload = {
                "reservation": new_id,
                "seat": seat[2],
                "floor": seat[4],
                "start": start.isoformat(),
                "end": end.isoformat(),
                "sequence": 0,
                "by_staff": False,
            }
            conn.execute(
                OUTBOX_SQL,
                (user[0], f"reservation:{new_id}:created", Jsonb(payload), now, now),
            )
        # Webhook endpoints subscribed to the event (none in the bench's data set): every
        # column, as the app reads them.
        conn.execute(
            "SELECT id, url, description, events, is_active, secret, previous_secret,"
            " previous_secret_expires_at, created_at, created_by_id"
            " FROM integrations_webhookendpoint WHERE is_active ORDER BY id"
        ).fetchall()
    data = {
        "id": new_id,
        "seat": seat[0],
        "user": user[0],
        "start": _dt(start),
        "end": _dt(end),
        "status": "booked",
        "seat_label": seat[2],
        "floor": seat[1],
        "created_at": _dt(now),
        "checked_in_at": None,
        "cancelled_at": None,
        "series": None,
    }
    return _json(start_response, "201 Created", data)


def _skeleton() -> dict:
    global _SKELETON
    if _SKELETON is None:
        with open(os.environ["BENCH_MAP_SKELETON"], encoding="utf-8") as f:
            _SKELETON = json.load(f)
    return _SKELETON


def _e(value) -> str:
    return html.escape(str(value), quote=True)


USUAL_SQL = """
SELECT s.id, s.label, s.kind, s.floor_id, f.name FROM seats_seat s
JOIN seats_floor f ON f.id = s.floor_id
LEFT JOIN (SELECT seat_id, count(*) AS n FROM reservations_reservation
           WHERE user_id = %(user)s AND start >= %(since)s AND status IN ('booked', 'checked_in')
           GROUP BY seat_id) r ON r.seat_id = s.id
LEFT JOIN seats_favouriteseat fav ON fav.seat_id = s.id AND fav.user_id = %(user)s
WHERE s.is_active AND (r.n > 0 OR fav.id IS NOT NULL)
ORDER BY fav.id IS NULL, r.n DESC NULLS LAST, s.id LIMIT 1
"""


def _usual(conn, user_id: int, now: dt.datetime, sk: dict, states: dict) -> str:
    """The "my usual seat" paragraph: a favourite first, else the seat booked most in 90 days
    (the app's selectors.usual_seat), written as a hand-written page would query it."""
    t = sk["text"]
    row = conn.execute(
        USUAL_SQL, {"user": user_id, "since": now - dt.timedelta(days=90)}
    ).fetchone()
    if row is None:
        return ""
    seat_id, label, kind, floor_id, floor_name = row
    url = f"?{sk['usual_query']}&amp;floor={floor_id}&amp;seat={seat_id}"
    state, status = states.get(seat_id, (None, ""))
    if state == "free":
        link = (
            f'<a class="button primary" href="{url}" data-seat-id="{seat_id}" '
            f'data-seat-label="{_e(label)} ({_e(t["kinds"][kind])})" data-favourite="1">'
            f"{_e(t['Book my usual seat'].format(seat=label))}</a>"
        )
    elif state:
        link = (
            f'<a class="button" href="{url}">{_e(t["My usual seat"].format(seat=label))}</a>'
            f" <span>{_e(status)}</span>"
        )
    else:
        floor = t["floor names"].get(floor_name, floor_name)
        text = t["My usual seat on"].format(seat=label, floor=floor)
        link = f'<a class="button" href="{url}">{_e(text)}</a>'
    return f'\n  <p class="usual" id="usual-seat">\n    \n      {link}\n    \n  </p>\n'


def floor_map(environ, start_response):
    conn = _db()
    user = _session_user(conn, environ)
    if user is None:
        start_response("302 Found", [("Location", "/accounts/login/?next=/")])
        return [b""]
    sk = _skeleton()
    t = sk["text"]
    start, end = (dt.datetime.fromisoformat(v) for v in sk["window"])
    now = dt.datetime.now(dt.UTC)
    policy = _policy(conn)
    seats = _seats(conn, "s.floor_id = %s", (sk["floor"],))
    busy, taken = _busy(conn, start, end, now, policy["checkin_grace_minutes"])
    _blocks(conn, start, end, {sk["floor"]})  # none in the data set: the page shows none
    favourites = {
        r[0]
        for r in conn.execute(
            "SELECT seat_id FROM seats_favouriteseat WHERE user_id = %s", (user[0],)
        )
    }
    mine = {seat_id for seat_id, user_id, *_ in taken if user_id == user[0]}
    glyphs, rows, counts = [], [], {"free": 0, "busy": 0, "mine": 0}
    states: dict[int, tuple[str, str]] = {}
    seat_url = f"?{sk['base_query']}&amp;seat="
    for seat_id, _floor, label, kind, amenities, x, y, active, _ in seats:
        state = (
            "inactive"
            if not active
            else "mine"
            if seat_id in mine
            else "busy"
            if seat_id in busy
            else "free"
        )
        caption = ""
        if state == "inactive":
            status, caption = t["not available"], "—"
        elif state == "mine":
            status, caption = t["booked by you"], "★ " + t["yours"]
        elif state == "busy":
            until = busy[seat_id].astimezone(TZ).strftime("%H:%M")
            status, caption = t["busy until"] % until, t["until"] % until
        else:
            status = t["free"]
        states[seat_id] = (state, status)
        if state in counts:
            counts[state] += 1
        favourite = seat_id in favourites
        kind_label = t["kinds"][kind]
        amenity_labels = [t["amenities"].get(a, a) for a in amenities]
        parts = [f"{label} {caption}".strip(), kind_label]
        if amenities:
            parts.append(", ".join(amenity_labels))
        if favourite:
            parts.append("♥ " + t["favourite"])
            caption = f"♥ {caption}" if caption else "♥"
        description = _e(f"{' · '.join(parts)} — {status}")
        w, h = (104, 64) if kind == "meeting_room" else (64, 44)
        label_e, kind_e = _e(label), _e(kind_label)
        if state == "free":
            open_tag = (
                f'<a class="seat free" href="{seat_url}{seat_id}" id="seat-{seat_id}" '
                f'data-seat-id="{seat_id}" data-seat-label="{label_e} ({kind_e})" '
                f'data-favourite="{1 if favourite else 0}" '
                f'aria-label="{description}. {t["Book"]}">'
            )
            close_tag = "</a>"
        elif state == "mine":
            open_tag = (
                f'<a class="seat mine" href="{sk["list_url"]}" id="seat-{seat_id}" '
                f'aria-label="{description}">'
            )
            close_tag = "</a>"
        elif state == "inactive":
            open_tag = (
                f'<g class="seat inactive" id="seat-{seat_id}" tabindex="0" role="img" '
                f'aria-label="{description}">'
            )
            close_tag = "</g>"
        else:
            open_tag = (
                f'<a class="seat {state}" id="seat-{seat_id}" href="{seat_url}{seat_id}" '
                f'data-seat-info="{description}" aria-label="{description}">'
            )
            close_tag = "</a>"
        glyphs.append(
            f"\n    \n      {open_tag}\n    \n        <title>{description}</title>\n"
            f'        <rect x="{x - w // 2}" y="{y - h // 2}" width="{w}" height="{h}" rx="8"/>\n'
            f'        <text x="{x}" y="{y - 3}" class="seat-label" text-anchor="middle">'
            f"{label_e}</text>\n"
            f'        <text x="{x}" y="{y + 14}" class="seat-status" text-anchor="middle">'
            f"{_e(caption)}</text>\n    {close_tag}\n  "
        )
        button = ""
        if state == "free":
            aria = _e(t["Book seat"].format(seat=label))
            button = (
                f'\n            <button type="submit" name="seat" value="{seat_id}" '
                f'class="primary small" data-seat-id="{seat_id}" data-seat-label="{label_e} '
                f'({kind_e})" aria-label="{aria}">{t["Book"]}</button>\n          '
            )
        elif state == "busy":
            aria = _e(t["Join the waitlist for seat"].format(seat=label))
            button = (
                f'\n            <button type="submit" name="seat" value="{seat_id}" '
                f'formaction="{sk["join_url"]}" class="small" data-waitlist-seat="{seat_id}" '
                f'aria-label="{aria}">{t["Join the waitlist"]}</button>\n          '
            )
        rows.append(
            f'\n        <tr class="row-{state}">\n          <th scope="row">{label_e}</th>\n'
            f"          <td>{kind_e}</td>\n"
            f"          <td>{_e(', '.join(amenity_labels)) or '—'}</td>\n"
            f'          <td><span class="state {state}">{_e(status)}</span></td>\n'
            f"          <td>{button}</td>\n        </tr>\n      "
        )
    head = sk["head"].replace("@@usual@@", _usual(conn, user[0], now, sk, states))
    for state, count in counts.items():
        head = head.replace(f"@@{state}@@", str(count))
    page = head + "".join(glyphs) + sk["middle"] + "".join(rows) + sk["tail"]
    body = page.encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def healthz(environ, start_response):
    return _json(start_response, "200 OK", {"status": "ok"})


def app(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if path == "/api/seat" and method == "GET":
        return availability(environ, start_response)
    if path == "/api/reservations" and method == "POST":
        return book(environ, start_response)
    if path == "/" and method == "GET":
        return floor_map(environ, start_response)
    if path == "/healthz":
        return healthz(environ, start_response)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
