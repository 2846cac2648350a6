"""Demo floors: two floors with seats laid out on a grid (called by manage.py seed_demo)."""

from seats.models import Floor, Seat

LAYOUT = {
    "Floor 1": {"rows": 4, "cols": 6, "prefix": "A"},
    "Floor 2": {"rows": 3, "cols": 6, "prefix": "B"},
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
    command.stdout.write(f"seats: {created} created, {Seat.objects.count()} in total")
