"""The floor editor in a real browser: drag a seat, save, and the member map shows it moved;
the same by keyboard, plus drawing a zone and adding a seat with checkbox amenities."""

import pytest

from accounts.tests.factories import make_user
from reservations.tests.test_e2e_booking_flow import PASSWORD, tomorrow
from seats.models import Floor, Seat, Zone

pytestmark = pytest.mark.e2e


@pytest.fixture
def floor(transactional_db):
    floor = Floor.objects.create(name="Floor 1", width=800, height=500)
    Seat.objects.create(floor=floor, label="A1", x=100, y=100)
    Seat.objects.create(floor=floor, label="A2", x=300, y=100)
    return floor


def open_editor(page, base: str, floor: Floor) -> None:
    make_user("boss@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    page.goto(f"{base}/admin/login/?next=/admin/seats/floor/{floor.pk}/change/")
    page.fill("#id_username", "boss@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#fe-canvas .fe-seat")


def seat_node(page, label: str) -> str:
    return f'#fe-canvas .fe-seat[data-label="{label}"]'


def save(page) -> None:
    page.click("#fe-save")
    page.locator("#fe-status", has_text="Layout saved.").or_(
        page.locator("#fe-status.error")
    ).wait_for()
    assert page.inner_text("#fe-status") == "Layout saved."


def member_map_rect(page, base: str, seat: Seat) -> tuple[float, float]:
    page.goto(f"{base}/?date={tomorrow()}&start=10:00&end=11:00&floor={seat.floor_id}")
    rect = page.locator(f"#seat-{seat.pk} rect")
    return float(rect.get_attribute("x")), float(rect.get_attribute("y"))


def test_drag_a_seat_save_and_the_member_map_shows_it_moved(page, live_server, floor):
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    open_editor(page, base, floor)
    # The floor page fits a 1366 px laptop screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    box = page.locator(seat_node(page, "A1")).bounding_box()
    canvas = page.locator("#fe-canvas").bounding_box()
    scale = canvas["width"] / floor.width  # screen px per map unit
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 200 * scale, start[1] + 150 * scale, steps=8)
    page.mouse.up()
    assert "Unsaved" in page.inner_text("#fe-status")
    save(page)

    seat = Seat.objects.get(label="A1")
    assert abs(seat.x - 300) <= 2 and abs(seat.y - 250) <= 2
    before_other = Seat.objects.get(label="A2")
    assert (before_other.x, before_other.y) == (300, 100)
    # The member map draws the 64x44 glyph centred on the new position.
    assert member_map_rect(page, base, seat) == (seat.x - 32, seat.y - 22)


def test_keyboard_only_move_edit_and_zone(page, live_server, floor):
    base = live_server.url
    open_editor(page, base, floor)
    page.focus(seat_node(page, "A2"))
    page.keyboard.press("ArrowRight")  # +10
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")  # +1
    page.keyboard.press("Enter")  # edit details: focus goes to the label field
    assert page.evaluate("document.activeElement.id") == "fe-seat-label"
    page.keyboard.press("Control+a")
    page.keyboard.type("Q2")
    page.select_option("#fe-seat-kind", "quiet_desk")
    page.check("#fe-seat-amenities input[value=window]")
    page.focus("#fe-add-zone")
    page.keyboard.press("Enter")  # from the keyboard: a zone in the middle, name focused
    assert page.evaluate("document.activeElement.id") == "fe-zone-name"
    page.keyboard.press("Control+a")
    page.keyboard.type("Quiet zone")
    page.keyboard.press("Enter")
    save(page)

    seat = Seat.objects.get(pk=Seat.objects.get(label="Q2").pk)
    assert (seat.x, seat.y, seat.kind, seat.amenities) == (320, 101, "quiet_desk", ["window"])
    zone = Zone.objects.get()
    assert (zone.name, zone.floor_id, zone.width, zone.height) == ("Quiet zone", floor.pk, 200, 120)


def test_draw_a_zone_add_and_remove_seats(page, live_server, floor):
    base = live_server.url
    open_editor(page, base, floor)
    page.click("#fe-add-seat")
    page.fill("#fe-seat-label", "M9")
    page.select_option("#fe-seat-kind", "meeting_room")
    page.check("#fe-seat-amenities input[value=monitor]")
    page.focus(seat_node(page, "A1"))
    page.keyboard.press("Delete")
    page.click("#fe-add-zone")
    canvas = page.locator("#fe-canvas").bounding_box()
    page.mouse.move(canvas["x"] + 20, canvas["y"] + 20)
    page.mouse.down()
    page.mouse.move(canvas["x"] + 220, canvas["y"] + 120, steps=5)
    page.mouse.up()
    page.fill("#fe-zone-name", "Kitchen")
    page.keyboard.press("Enter")
    save(page)

    assert set(Seat.objects.values_list("label", flat=True)) == {"A2", "M9"}
    assert Seat.objects.get(label="M9").amenities == ["monitor"]
    zone = Zone.objects.get()
    assert zone.name == "Kitchen" and zone.width > 50 and zone.height > 20


def test_a_rule_broken_in_the_editor_is_shown_and_nothing_saved(page, live_server, floor):
    base = live_server.url
    open_editor(page, base, floor)
    page.focus(seat_node(page, "A2"))
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type("A1")  # A1 exists on this floor
    page.click("#fe-save")
    page.wait_for_selector("#fe-status.error")
    assert "already exists" in page.inner_text("#fe-status")
    assert page.locator("#fe-canvas .fe-seat.error").count() == 1
    assert set(Seat.objects.values_list("label", flat=True)) == {"A1", "A2"}
