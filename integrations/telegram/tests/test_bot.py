"""The real python-telegram-bot Application against the fake Bot API server.

Handlers run the ORM in asgiref's thread-sensitive executor, another thread with its own
connection, so these tests use transactional databases.
"""

import pytest

from bookit.tests.clock import at
from integrations.telegram import services
from integrations.telegram.tests.conftest import callback_update, message_update, run_updates
from reservations.models import Reservation
from reservations.tests.factories import make_reservation
from seats.tests.factories import make_seat
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 5001


@pytest.fixture
def linked(member):
    member.telegram_id, member.telegram_username, member.language = CHAT, "maria", "en"
    member.save()
    return member


def last_text(fakebot, method: str = "sendMessage") -> str:
    return fakebot.calls(method)[-1].params["text"]


def buttons(fakebot, method: str) -> list[tuple[str, str]]:
    markup = fakebot.calls(method)[-1].params["reply_markup"]
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


# --- linking -------------------------------------------------------------------------------


def test_start_with_valid_token_links_the_chat(telegram_on, frozen, member):
    link = services.link_token_create(user=member)
    run_updates(message_update(f"/start {link.token}", user_id=CHAT, username="maria_tg"))
    member.refresh_from_db()
    assert (member.telegram_id, member.telegram_username) == (CHAT, "maria_tg")
    assert "member@example.com" in last_text(telegram_on)
    assert int(telegram_on.calls("sendMessage")[-1].params["chat_id"]) == CHAT


@pytest.mark.parametrize("case", ["expired", "reused", "forged"])
def test_start_with_bad_token_does_not_link(telegram_on, frozen, member, other_member, case):
    link = services.link_token_create(user=member)
    token = link.token
    if case == "expired":
        frozen.shift(services.LINK_TOKEN_TTL * 2)
    elif case == "reused":
        services.telegram_link(token=token, telegram_id=1234)
    else:
        token = "forged-" + token[:20]
    run_updates(message_update(f"/start {token}", user_id=CHAT))
    assert not type(member).objects.filter(telegram_id=CHAT).exists()
    assert "invalid or has expired" in last_text(telegram_on)


def test_start_without_token_greets_linked_member(telegram_on, frozen, linked):
    run_updates(message_update("/start", user_id=CHAT))
    text = last_text(telegram_on)
    assert text.startswith("Hello, Maria!") and "/book" in text


@pytest.mark.parametrize("command", ["/start", "/bookings", "/book", "/tickets"])
def test_unlinked_chat_is_told_how_to_link(telegram_on, frozen, db, command):
    run_updates(message_update(command, user_id=9999))
    assert "not linked" in last_text(telegram_on) and "/profile/" in last_text(telegram_on)


def test_commands_in_group_chats_are_ignored(telegram_on, frozen, linked):
    make_reservation(linked, make_seat("A1"), at(1, 10), at(1, 12))
    group = {"id": -100500, "type": "supergroup", "title": "Coworking chat"}
    run_updates(message_update("/bookings", user_id=CHAT, chat=group))
    assert telegram_on.calls("sendMessage") == []


def test_help_lists_commands(telegram_on, frozen, linked):
    run_updates(message_update("/help", user_id=CHAT))
    text = last_text(telegram_on)
    assert all(c in text for c in ("/book", "/bookings", "/tickets", "/help"))


# --- bookings and cancelling ---------------------------------------------------------------


def test_bookings_lists_upcoming_with_cancel_buttons(telegram_on, frozen, linked):
    seat = make_seat("A1")
    mine = make_reservation(linked, seat, at(1, 10), at(1, 12))
    make_reservation(linked, seat, at(-1, 10), at(-1, 12))  # past: not listed
    run_updates(message_update("/bookings", user_id=CHAT))
    assert "Seat A1 (Floor 1), 02.12 10:00–12:00" in last_text(telegram_on)
    assert buttons(telegram_on, "sendMessage") == [("Cancel A1, 02.12 10:00", f"c:{mine.pk}")]


def test_cancel_through_buttons(telegram_on, frozen, linked):
    reservation = make_reservation(linked, make_seat("A1"), at(1, 10), at(1, 12))
    run_updates(callback_update(f"c:{reservation.pk}", user_id=CHAT))
    assert "Cancel this booking?" in last_text(telegram_on, "editMessageText")
    assert buttons(telegram_on, "editMessageText")[0][1] == f"cy:{reservation.pk}"
    reservation.refresh_from_db()
    assert reservation.status == "booked"  # asking changes nothing

    run_updates(callback_update(f"cy:{reservation.pk}", user_id=CHAT))
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
    assert last_text(telegram_on, "editMessageText").startswith("Cancelled: Seat A1")
    assert telegram_on.calls("answerCallbackQuery")


def test_cannot_cancel_another_members_booking(telegram_on, frozen, linked, other_member):
    theirs = make_reservation(other_member, make_seat("A1"), at(1, 10), at(1, 12))
    run_updates(callback_update(f"cy:{theirs.pk}", user_id=CHAT))
    theirs.refresh_from_db()
    assert theirs.status == "booked"
    assert "can no longer be cancelled" in last_text(telegram_on, "editMessageText")


# --- booking through inline keyboards ------------------------------------------------------


def test_book_through_inline_keyboards(telegram_on, frozen, linked, other_member):
    free, taken = make_seat("A1"), make_seat("A2")
    make_reservation(other_member, taken, at(1, 9), at(1, 13))

    run_updates(message_update("/book", user_id=CHAT))
    days = buttons(telegram_on, "sendMessage")
    assert days[0] == ("Tue 01.12", "b:d:20261201") and ("Wed 02.12", "b:d:20261202") in days

    run_updates(callback_update("b:d:20261202", user_id=CHAT))
    starts = buttons(telegram_on, "editMessageText")
    assert starts[0] == ("08:00", "b:t:202612020800") and ("10:00", "b:t:202612021000") in starts

    run_updates(callback_update("b:t:202612021000", user_id=CHAT))
    durations = dict((data, text) for text, data in buttons(telegram_on, "editMessageText"))
    assert durations["b:w:202612021000:120"] == "2 h (–12:00)"

    run_updates(callback_update("b:w:202612021000:120", user_id=CHAT))
    seats = buttons(telegram_on, "editMessageText")
    assert (free.label, f"b:s:202612021000:120:{free.pk}") in seats
    assert all(data != f"b:s:202612021000:120:{taken.pk}" for _, data in seats)

    run_updates(callback_update(f"b:s:202612021000:120:{free.pk}", user_id=CHAT))
    reservation = Reservation.objects.get(user=linked)
    assert (reservation.seat, reservation.start, reservation.end) == (free, at(1, 10), at(1, 12))
    assert last_text(telegram_on, "editMessageText").startswith("Booked: Seat A1")


def test_today_offers_only_future_start_times(telegram_on, frozen, linked):
    run_updates(callback_update("b:d:20261201", user_id=CHAT))  # now is 09:05
    starts = [text for text, _ in buttons(telegram_on, "editMessageText")]
    assert starts[0] == "09:00" and "08:30" not in starts


def test_booking_a_seat_taken_meanwhile_reports_the_conflict(
    telegram_on, frozen, linked, other_member
):
    seat = make_seat("A1")
    make_reservation(other_member, seat, at(1, 11), at(1, 12))
    run_updates(callback_update(f"b:s:202612021000:120:{seat.pk}", user_id=CHAT))
    assert not Reservation.objects.filter(user=linked).exists()
    assert "already booked" in last_text(telegram_on, "editMessageText")


def test_unverified_member_cannot_book(telegram_on, frozen, unverified):
    unverified.telegram_id, unverified.language = CHAT, "en"
    unverified.save()
    run_updates(message_update("/book", user_id=CHAT))
    assert "verification" in last_text(telegram_on)
    assert "reply_markup" not in telegram_on.calls("sendMessage")[-1].params
    seat = make_seat("A1")
    run_updates(callback_update(f"b:s:202612021000:120:{seat.pk}", user_id=CHAT))
    assert not Reservation.objects.exists()
    assert "verification" in last_text(telegram_on, "editMessageText")


@pytest.mark.parametrize(
    "data", ["b:s:garbage", "b:t:2026", "x", "c:abc", "b:s:202612021000:120:999"]
)
def test_stale_or_forged_buttons_are_harmless(telegram_on, frozen, linked, data):
    run_updates(callback_update(data, user_id=CHAT))
    assert "out of date" in last_text(telegram_on, "editMessageText")
    assert not Reservation.objects.exists()


def test_russian_member_gets_russian_dates(telegram_on, frozen, linked):
    linked.language = "ru"
    linked.save()
    run_updates(message_update("/book", user_id=CHAT, lang="en"))
    assert buttons(telegram_on, "sendMessage")[0][0] == "Вт 01.12"


# --- tickets -------------------------------------------------------------------------------


def test_tickets_lists_the_members_tickets(telegram_on, frozen, linked, other_member):
    Ticket.objects.create(author=linked, subject="Broken lamp", text="A1")
    Ticket.objects.create(author=other_member, subject="Not mine", text="B2")
    run_updates(message_update("/tickets", user_id=CHAT))
    text = last_text(telegram_on)
    assert "Broken lamp" in text and "Open" in text and "Not mine" not in text


def test_no_tickets(telegram_on, frozen, linked):
    run_updates(message_update("/tickets", user_id=CHAT))
    assert last_text(telegram_on) == "You have no tickets."
