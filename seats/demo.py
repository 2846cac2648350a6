"""Demo floors: two floors with seats laid out on a grid and named zones (manage.py seed_demo).

Floor and zone names are catalog messages (gettext_noop): the database keeps the English
msgid and pages show it in the reader's language (Floor.display_name, the map's zones)."""

from django.utils.translation import gettext_noop

from seats.models import Floor, Seat, Zone

LAYOUT = {
    gettext_noop("Floor 1"): {"rows": 4, "cols": 6, "prefix": "A"},
    gettext_noop("Floor 2"): {"rows": 3, "cols": 6, "prefix": "B"},
}
# (name, x, y, width, height) in the floor's map units; seats sit at 80 + col*150, 80 + row*140.
ZONES = {
    gettext_noop("Floor 1"): [
        (gettext_noop("Window side"), 10, 10, 980, 140),
        (gettext_noop("Open space"), 10, 160, 980, 260),
        (gettext_noop("Kitchen side"), 10, 430, 590, 160),
        (gettext_noop("Meeting rooms"), 610, 430, 380, 160),
    ],
    gettext_noop("Floor 2"): [
        (gettext_noop("Quiet zone"), 10, 10, 980, 280),
        (gettext_noop("Lounge"), 10, 300, 590, 160),
        (gettext_noop("Meeting rooms"), 610, 300, 380, 160),
    ],
}
KINDS = [Seat.Kind.DESK, Seat.Kind.DESK, Seat.Kind.QUIET_DESK]
AMENITIES = [["monitor", "power"], ["window", "power"], ["power"], ["monitor", "dock", "power"]]


def seed(command, options) -> None:
    created = 0
    for order, (name, spec) in enumerate(LAYOUT.items()):
        floor, _ = Floor.objects.get_or_create(
            name=name, defaults={"ordering": order, "width": 1000, "height": 600}
        )
        for row in range(spec["rows"]):
            for col in range(spec["cols"]):
                label = f"{spec['prefix']}{row * spec['cols'] + col + 1}"
                meeting = row == spec["rows"] - 1 and col >= spec["cols"] - 2
                _, was_created = Seat.objects.get_or_create(
                    floor=floor,
                    label=label,
                    defaults={
                        "kind": Seat.Kind.MEETING_ROOM if meeting else KINDS[(row + col) % 3],
                        "amenities": AMENITIES[(row * 7 + col) % len(AMENITIES)],
                        "x": 80 + col * 150,
                        "y": 80 + row * 140,
                    },
                )
                created += was_created
        if not floor.zones.exists():  # staff may have redrawn them: leave theirs alone
            Zone.objects.bulk_create(
                Zone(floor=floor, name=zone, x=x, y=y, width=w, height=h)
                for zone, x, y, w, h in ZONES[name]
            )
    command.stdout.write(f"seats: {created} created, {Seat.objects.count()} in total")
