"""The email channel of the notification outbox, through Django's email backend.

Console (or file, with EMAIL_FILE_PATH) by default, SMTP when EMAIL_HOST is set (settings.py).
Every message is plain text plus HTML in the member's language; booking emails carry an
iCalendar invitation (invitation.py). Delivery rules are the outbox's: claim with a lease, mark
each message right after it went out, retry temporary failures with backoff.
"""

import logging
import smtplib
from email.mime.text import MIMEText
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils.translation import override

from integrations.models import NotificationDelivery
from integrations.notifications import outbox
from integrations.notifications.invitation import build_invitation
from integrations.notifications.messages import render, site_url
from integrations.notifications.outbox import BATCH_SIZE, Channel

logger = logging.getLogger(__name__)

INVITATION_KINDS = {
    "booking_created": False,
    "booking_updated": False,
    "booking_cancelled": True,
    # A seat block (issue 17) cancels the booking, or cuts a checked-in one short (a new end).
    "booking_blocked": True,
}


def recipient(delivery: NotificationDelivery) -> str:
    """The member's address, unless the payload names another one (a new or an old address)."""
    notification = delivery.notification
    return notification.payload.get("to") or notification.user.email


def build_email(delivery: NotificationDelivery, connection=None) -> EmailMultiAlternatives:
    notification = delivery.notification
    user = notification.user
    message = render(notification.kind, notification.payload, user=user)
    context = {
        "message": message,
        "user": user,
        "profile_url": site_url("/profile/"),
        "site_url": site_url(""),
    }
    with override(user.language):
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "bookit"
    email = EmailMultiAlternatives(
        # One line: a subject built from user text (a ticket's) must not break the header.
        subject=" ".join(message.subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient(delivery)],
        connection=connection,
        headers={
            "Message-ID": make_msgid(f"n{notification.pk}", domain=domain),
            "Content-Language": user.language,
            # Automatic mail: no out-of-office replies to it (RFC 3834; Outlook's header).
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    email.attach_alternative(html, "text/html")
    if notification.kind in INVITATION_KINDS:
        method, ics = build_invitation(
            notification.payload,
            user=user,
            cancelled=INVITATION_KINDS[notification.kind]
            and not notification.payload.get("shortened"),
            stamp=notification.created_at,
        )
        # iMIP (RFC 6047): text/calendar with the method; mail clients offer "add to calendar".
        part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email.attach(part)
    return email


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer about this message (a refused recipient): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def send_pending(*, batch_size: int = BATCH_SIZE, max_batches: int = 10) -> int:
    """Deliver due email rows; returns how many were sent."""
    sent = 0
    for _ in range(max_batches):
        claimed = outbox.claim(channel=Channel.EMAIL, batch_size=batch_size)
        if not claimed:
            break
        sent += _send_batch(claimed)
        if len(claimed) < batch_size:
            break
    return sent


def _send_batch(rows: list[NotificationDelivery]) -> int:
    deliverable = []
    for row in rows:
        user = row.notification.user
        if not outbox.reachable(user, row.notification.kind) or not recipient(row):
            outbox.mark_failed(row.pk, "No active account or address.")
        else:
            deliverable.append(row)
    if not deliverable:
        return 0
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        connection.open()
    except Exception as exc:  # the server is down or refuses us: every row waits
        logger.warning("Email server unreachable: %s", exc)
        for row in deliverable:
            outbox.retry_later(row.pk, exc)
        return 0
    sent = 0
    try:
        for index, row in enumerate(deliverable):
            try:
                email = build_email(row, connection)
            except Exception as exc:  # a message that cannot be built never will be
                logger.exception("Could not build notification email %s", row.pk)
                outbox.mark_failed(row.pk, exc)
                continue
            try:
                email.send()
            except Exception as exc:
                if _is_permanent(exc):
                    outbox.mark_failed(row.pk, exc)
                    continue
                # The connection broke: this row and the rest of the batch try again later.
                logger.warning("Email delivery failed: %s", exc)
                for rest in deliverable[index:]:
                    outbox.retry_later(rest.pk, exc)
                break
            outbox.mark_sent(row.pk)
            sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a dead connection must not hide the outcome
            logger.debug("Closing the email connection failed", exc_info=True)
    return sent
