import io

import pytest

from accounts.tests.factories import make_user
from tickets import demo
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class FakeCommand:
    def __init__(self):
        self.stdout = io.StringIO()


def test_seed_creates_demo_tickets_once():
    for i in range(5):
        make_user(f"demo_email_{i}@example.com")
    make_user("demo_admin_0@example.com", is_staff=True)
    command = FakeCommand()
    demo.seed(command, {})
    count = Ticket.objects.count()
    assert count == len(demo.DEMO_TICKETS)
    assert Ticket.objects.filter(status="resolved").exists()
    assert "tickets: 6 created" in command.stdout.getvalue()
    demo.seed(command, {})
    assert Ticket.objects.count() == count


def test_seed_without_demo_users_does_nothing():
    command = FakeCommand()
    demo.seed(command, {})
    assert not Ticket.objects.exists()
    assert "skipped" in command.stdout.getvalue()
