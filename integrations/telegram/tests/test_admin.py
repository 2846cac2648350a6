from django.test import Client

from integrations.models import NotificationDelivery
from integrations.notifications.outbox import notify


def _failed_row(user) -> NotificationDelivery:
    notify(
        user=user,
        kind="ticket_status",
        key="t:1",
        payload={"ticket": 1, "subject": "Lamp", "status": "resolved"},
        channels=["telegram"],
    )
    NotificationDelivery.objects.update(status="failed", attempts=10, last_error="Forbidden")
    return NotificationDelivery.objects.get()


def test_staff_sees_the_outbox_and_can_requeue(staff, member):
    row = _failed_row(member)
    client = Client()
    client.force_login(staff)
    listing = client.get("/admin/integrations/notification/")
    assert listing.status_code == 200 and b"ticket_status" in listing.content
    detail = client.get(f"/admin/integrations/notification/{row.notification_id}/change/")
    assert detail.status_code == 200 and b"Forbidden" in detail.content
    deliveries = client.get("/admin/integrations/notificationdelivery/")
    assert deliveries.status_code == 200 and b"telegram" in deliveries.content.lower()
    response = client.post(
        "/admin/integrations/notificationdelivery/",
        {"action": "retry", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)


def test_link_tokens_are_listed_read_only(staff):
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/integrations/telegramlinktoken/").status_code == 200
    assert client.get("/admin/integrations/telegramlinktoken/add/").status_code == 403


def test_members_cannot_open_the_outbox_admin(member):
    client = Client()
    client.force_login(member)
    response = client.get("/admin/integrations/notification/")
    assert response.status_code == 302
