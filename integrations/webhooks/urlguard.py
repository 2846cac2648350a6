"""SSRF guard: a webhook URL must not make the server call its own network.

Checked when staff save an endpoint and again right before each delivery, against the
addresses the name resolves to *then* (a name may be re-pointed at 127.0.0.1 after it was
saved: DNS rebinding). The sender connects to the very address checked here (transport.py),
so a second lookup cannot swap it. WEBHOOKS_ALLOW_PRIVATE=1 lifts the address rule for
installations whose receivers live on the internal network (and for the loopback tests).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from bookit.errors import ValidationFailed
from integrations.webhooks import messages as msg

ALLOWED_SCHEMES = ("http", "https")


class UnsafeURL(ValidationFailed):
    def __init__(self, message):
        super().__init__(message, errors={"url": [message]})


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL, or UnsafeURL naming the problem."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(msg.INVALID_URL) from None
    if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise UnsafeURL(msg.NOT_HTTP)
    if parts.username or parts.password:
        raise UnsafeURL(msg.CREDENTIALS_IN_URL)
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, each allowed; UnsafeURL otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(msg.HOST_DOES_NOT_RESOLVE) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        for address in addresses:
            if not _is_public(ipaddress.ip_address(address.split("%", 1)[0])):
                raise UnsafeURL(msg.private_address(address))
    return addresses


def check_url(url: str) -> list[str]:
    """The save-time check: the URL is well formed and every address it resolves to allowed."""
    _scheme, host, port = split_url(url)
    return resolve(host, port)
