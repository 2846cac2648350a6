"""``manage.py seed_demo``: one kiosk link per floor, so the wall display can be tried at once."""

from accounts.models import User
from integrations.kiosk import services
from integrations.kiosk.models import Kiosk
from seats.models import Floor


def seed(command, options) -> None:
    staff = User.objects.filter(is_staff=True, email__startswith="demo_admin_").first()
    if staff is None:
        return
    for floor in Floor.objects.order_by("ordering", "pk"):
        kiosk = Kiosk.objects.filter(floor=floor, revoked_at__isnull=True).first()
        if kiosk is None:
            kiosk = services.kiosk_create(floor=floor, name=f"{floor.name} lobby", by=staff)
        command.stdout.write(f"kiosk {floor.name}: {services.kiosk_url(kiosk)}")
