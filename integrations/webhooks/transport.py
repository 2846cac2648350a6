"""One signed POST, connected to an address the SSRF guard has just approved.

http.client is told the real host (Host header, TLS server name and certificate check), but
its socket goes to the pinned address: the name is resolved once, by urlguard, and never
again behind its back. Redirects are not followed (a 3xx is a failed attempt, as the
Standard Webhooks specification says), so a receiver cannot bounce us into the network.
"""

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from integrations.webhooks import urlguard

RESPONSE_EXCERPT = 500


class TransportError(Exception):
    """The request got no HTTP answer (refused, timed out, TLS failure, unsafe address)."""


@dataclass
class Response:
    status: int
    excerpt: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        self._tls = ssl.create_default_context()  # verifies the certificate against ``host``
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    """POST ``body``; raises urlguard.UnsafeURL or TransportError when there is no answer."""
    scheme, host, port = urlguard.split_url(url)
    address = urlguard.resolve(host, port)[0]
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        excerpt = answer.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        return Response(status=answer.status, excerpt=excerpt)
    except (OSError, http.client.HTTPException) as exc:
        # socket.timeout and ssl.SSLError are OSErrors too.
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
