"""What members (and staff) are told, on which channels, for each event."""

import pytest
from django.db import transaction

from accounts import services as accounts
from accounts import services_credentials as credentials
from accounts.tests.factories import PASSWORD, make_user
from bookit.tests.clock import at
from integrations.models import Notification, NotificationDelivery
from integrations.notifications.outbox import notify
from reservations import services as booking
from reservations.tests.factories import make_reservation
from tickets import services as tickets

Kind = Notification.Kind


@pytest.fixture
def linked(member):
    member.telegram_id = 5001
    member.save()
    return member


def sent(user=None) -> list[tuple[str, list[str]]]:
    """(kind, channels) of every notification, oldest first."""
    rows = Notification.objects.order_by("id").prefetch_related("deliveries")
    if user is not None:
        rows = rows.filter(user=user)
    return [(n.kind, sorted(d.channel for d in n.deliveries.all())) for n in rows]


def test_a_members_own_booking_is_confirmed_on_every_channel_they_chose(frozen, linked, seat):
    booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12))
    assert sent() == [(Kind.BOOKING_CREATED, ["email", "telegram"])]


def test_the_members_choice_narrows_the_channels(frozen, linked, seat):
    linked.notify_email = False
    linked.save()
    first = booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12))
    linked.notify_telegram = False
    linked.save()
    booking.reservation_create(user=linked, seat=seat, start=at(1, 14), end=at(1, 15))
    assert sent() == [(Kind.BOOKING_CREATED, ["telegram"])]
    assert Notification.objects.get().payload["reservation"] == first.pk


def test_a_change_is_announced_each_time_with_the_calendar_sequence(frozen, member, seat):
    reservation = booking.reservation_create(user=member, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_update(reservation=reservation, by=member, start=at(1, 11), end=at(1, 12))
    booking.reservation_update(reservation=reservation, by=member, start=at(1, 14), end=at(1, 15))
    updates = Notification.objects.filter(kind=Kind.BOOKING_UPDATED).order_by("id")
    assert [n.payload["sequence"] for n in updates] == [1, 2]


def test_an_own_cancel_goes_by_email_only_and_a_staff_cancel_everywhere(
    frozen, linked, staff, seat
):
    own = booking.reservation_create(user=linked, seat=seat, start=at(1, 10), end=at(1, 12))
    booking.reservation_cancel(reservation=own, by=linked)
    theirs = booking.reservation_create(user=linked, seat=seat, start=at(1, 14), end=at(1, 15))
    booking.reservation_cancel(reservation=theirs, by=staff)
    cancels = [s for s in sent() if s[0] == Kind.BOOKING_CANCELLED]
    assert cancels == [
        (Kind.BOOKING_CANCELLED, ["email"]),
        (Kind.BOOKING_CANCELLED, ["email", "telegram"]),
    ]


def test_check_in_is_confirmed_in_telegram_only_and_a_no_show_everywhere(
    frozen, linked, staff, seat
):
    first = make_reservation(linked, seat, at(0, 10), at(0, 11))
    make_reservation(linked, seat, at(0, 12), at(0, 13))
    booking.reservation_check_in(reservation=first, by=staff, now=at(0, 10))
    booking.release_no_shows(now=at(0, 12, 30))
    assert sent() == [(Kind.CHECKED_IN, ["telegram"]), (Kind.NO_SHOW, ["email", "telegram"])]


def test_verification_is_announced_once(unverified, staff):
    accounts.user_verify(user=unverified, by=staff)
    accounts.user_verify(user=unverified, by=staff)  # already verified: nothing new
    accounts.user_verify(user=unverified, by=staff, verified=False)
    assert sent(unverified) == [(Kind.ACCOUNT_VERIFIED, ["email"])]


def test_every_staff_member_hears_of_a_new_ticket_but_not_of_their_own(member, staff):
    second = make_user("desk@example.com", is_staff=True, verified=True)
    ticket = tickets.ticket_create(author=member, subject="Broken lamp", text="A1")
    own = tickets.ticket_create(author=second, subject="Own ticket", text="for the record")
    told = Notification.objects.filter(kind=Kind.TICKET_CREATED)
    assert sorted((n.user.email, n.payload["ticket"]) for n in told) == sorted(
        [("staff@example.com", ticket.pk), ("desk@example.com", ticket.pk),
         ("staff@example.com", own.pk)]
    )  # fmt: skip
    assert told.get(user=staff, payload__ticket=ticket.pk).payload == {
        "ticket": ticket.pk,
        "subject": "Broken lamp",
        "author": "Maria Member",
    }


def test_a_ticket_status_change_goes_to_its_author(member, staff):
    ticket = tickets.ticket_create(author=member, subject="Lamp", text="A1")
    tickets.ticket_set_status(ticket=ticket, status="resolved", comment="Fixed", by=staff)
    assert sent(member) == [(Kind.TICKET_STATUS, ["email"])]


def test_registration_asks_to_confirm_and_staff_hear_once_it_is(staff):
    # Deliberate change: staff are told when the address is confirmed, not at registration.
    registration = accounts.user_register(
        email="nina@example.com", password="s3cure-Passw0rd", first_name="Nina"
    )
    user = registration.user
    assert registration.created and registration.id == user.pk
    assert sent(user) == [(Kind.CONFIRM_EMAIL, ["email"])]
    assert not Notification.objects.filter(user=staff).exists()
    accounts.user_confirm_email(user=user)
    accounts.user_confirm_email(user=user)  # a second confirmation is not a second event
    waiting = Notification.objects.get(user=staff)
    assert waiting.kind == Kind.MEMBER_REGISTERED
    assert waiting.payload == {"member": user.pk, "name": "Nina", "email": "nina@example.com"}


def test_registering_a_taken_email_tells_its_owner_at_most_hourly(frozen, member):
    for _ in range(3):
        registration = accounts.user_register(
            email="Member@Example.com", password="s3cure-Passw0rd"
        )
        assert (registration.user, registration.created) == (member, False)
        assert registration.id != member.pk
    assert sent(member) == [(Kind.ACCOUNT_EXISTS, ["email"])]


def test_registering_an_unconfirmed_email_again_resends_the_link_capped(db, frozen, settings):
    settings.ACCOUNT_EMAILS_PER_HOUR = 2
    for _ in range(4):
        registration = accounts.user_register(email="n@example.com", password="s3cure-Passw0rd")
    assert sent(registration.user) == [(Kind.CONFIRM_EMAIL, ["email"])] * 2


def test_account_emails_ignore_the_notification_preferences(member):
    member.notify_email = False
    member.save()
    credentials.password_reset_request(email="member@example.com")
    credentials.email_change_request(user=member, email="new@example.org", password=PASSWORD)
    assert sent(member) == [(Kind.PASSWORD_RESET, ["email"]), (Kind.EMAIL_CHANGE, ["email"])]
    assert Notification.objects.get(kind=Kind.EMAIL_CHANGE).payload["to"] == "new@example.org"


def test_password_reset_emails_are_capped_per_account(frozen, settings, member):
    settings.ACCOUNT_EMAILS_PER_HOUR = 3
    for _ in range(5):
        frozen.shift(1)
        credentials.password_reset_request(email="member@example.com")
    assert Notification.objects.filter(kind=Kind.PASSWORD_RESET).count() == 3


def test_unknown_and_inactive_addresses_get_nothing(member):
    member.is_active = False
    member.save()
    credentials.password_reset_request(email="member@example.com")
    credentials.password_reset_request(email="nobody@example.com")
    assert not Notification.objects.exists()


def test_enqueue_writes_what_notify_writes_without_the_instance(member):
    from integrations.notifications.outbox import enqueue

    first = notify(user=member, kind=Kind.WELCOME, key="k:n", payload={"a": 1})
    pk = enqueue(user=member, kind=Kind.WELCOME, key="k:e", payload={"a": 1})
    assert first is not None and isinstance(pk, int)
    assert enqueue(user=member, kind=Kind.WELCOME, key="k:e") is None  # the key exists
    by_notify, by_enqueue = (Notification.objects.get(pk=p) for p in (first.pk, pk))
    for field in ("user_id", "kind", "payload"):
        assert getattr(by_notify, field) == getattr(by_enqueue, field)
    assert by_notify.created_at == first.created_at and not first._state.adding
    assert list(by_enqueue.deliveries.values_list("channel", "status")) == list(
        by_notify.deliveries.values_list("channel", "status")
    )


def test_one_key_is_one_event_and_a_rollback_leaves_nothing(member, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        first = notify(user=member, kind=Kind.WELCOME, key="k:1")
    assert notify(user=member, kind=Kind.WELCOME, key="k:1") is None
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=member, kind=Kind.WELCOME, key="k:2")
        raise RuntimeError("the event's transaction fails")
    assert list(Notification.objects.values_list("pk", flat=True)) == [first.pk]
    assert NotificationDelivery.objects.count() == 1


def test_a_first_verification_sends_each_signal_once_and_one_notice(db):
    """user_verify sends account_event("verified"), member_verification_changed and
    member_verified once each; only account_event announces it (no second notice)."""
    from accounts.services import user_verify
    from accounts.signals import account_event, member_verification_changed, member_verified
    from accounts.tests.factories import make_user
    from integrations.models import Notification

    staff = make_user("boss@example.com", is_staff=True)
    newcomer = make_user("new@example.com", verified=False)
    sent: list[str] = []

    def account(sender, event, **kwargs):
        sent.append(f"account_event:{event}")

    def changed(sender, decision, **kwargs):
        sent.append(f"member_verification_changed:{decision}")

    def verified(sender, **kwargs):
        sent.append("member_verified")

    account_event.connect(account, weak=False)
    member_verification_changed.connect(changed, weak=False)
    member_verified.connect(verified, weak=False)
    try:
        user_verify(user=newcomer, by=staff, verified=True)
        user_verify(user=newcomer, by=staff, verified=True)  # already verified: nothing new
    finally:
        account_event.disconnect(account)
        member_verification_changed.disconnect(changed)
        member_verified.disconnect(verified)
    assert sorted(sent) == [
        "account_event:verified",
        "member_verification_changed:verified",
        "member_verified",
    ]
    notices = Notification.objects.filter(user=newcomer)
    assert list(notices.values_list("kind", flat=True)) == ["account_verified"]
