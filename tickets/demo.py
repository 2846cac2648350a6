"""Demo tickets for ``manage.py seed_demo``: a few per demo member, in different states.

Idempotent: a ticket is identified by its author and subject; existing ones are left alone.
"""

from django.db import transaction

from accounts.models import User
from reservations.models import Reservation
from seats.models import Seat
from tickets import services
from tickets.models import Ticket

S = Ticket.Status

# (member index, subject, category, text, status path, staff comment)
DEMO_TICKETS = [
    (0, "Монитор не включается", "equipment", "На месте нет изображения.", [S.IN_PROGRESS], ""),
    (0, "Шумно у переговорной", "noise", "Громкие звонки рядом с тихой зоной.", [], ""),
    (1, "Сломан стул", "seat", "Стул качается и не регулируется.", [S.RESOLVED], "Заменили стул."),
    (
        2,
        "Не работает пропуск",
        "access",
        "Турникет не пускает утром.",
        [S.REJECTED],
        "Ошибка карты.",
    ),
    (
        3,
        "Нет розетки",
        "equipment",
        "Розетка под столом не работает.",
        [S.IN_PROGRESS, S.RESOLVED],
        "",
    ),
    (4, "Предложение", "other", "Поставьте, пожалуйста, кулер на втором этаже.", [], ""),
]


def seed(command, options) -> None:
    members = {
        u.email: u for u in User.objects.filter(email__startswith="demo_email_", is_staff=False)
    }
    staff = User.objects.filter(email__startswith="demo_admin_", is_staff=True).order_by("email")
    handler = staff.first()
    if handler is None or not members:
        command.stdout.write("tickets: no demo users, skipped")
        return
    seats = list(Seat.objects.filter(is_active=True).order_by("id")[:10])
    created = 0
    with transaction.atomic():
        for index, subject, category, text, path, comment in DEMO_TICKETS:
            author = members.get(f"demo_email_{index}@example.com")
            if author is None or Ticket.objects.filter(author=author, subject=subject).exists():
                continue
            reservation = (
                Reservation.objects.filter(user=author).order_by("-start").first()
                if category in ("seat", "equipment")
                else None
            )
            seat = None
            if reservation is None and category in ("seat", "equipment") and seats:
                seat = seats[index % len(seats)]
            ticket = services.ticket_create(
                author=author,
                subject=subject,
                text=text,
                category=category,
                seat=seat,
                reservation=reservation,
            )
            for step, status in enumerate(path, start=1):
                services.ticket_set_status(
                    ticket=ticket,
                    status=status,
                    comment=comment if step == len(path) else "",
                    by=handler,
                )
            created += 1
    command.stdout.write(f"tickets: {created} created, {Ticket.objects.count()} in total")
