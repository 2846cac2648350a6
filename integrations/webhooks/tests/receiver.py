"""A real HTTP webhook receiver on 127.0.0.1 (port picked by the OS) for the delivery tests.

It records every request (headers and raw body) and answers from a script: an int is a status
code, "hang" sleeps past the sender's timeout before answering 200.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    script: list = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    hang_seconds: float = 2.0
    delay: float = 0.0  # every answer waits this long (to widen race windows)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/bookit"

    def next_answer(self):
        return self.script.pop(0) if self.script else 200


def start_receiver() -> Receiver:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            answer = receiver.next_answer()
            time.sleep(receiver.delay)
            if answer == "hang":
                time.sleep(receiver.hang_seconds)
                answer = 200
            payload = b'{"ok": true}' if answer < 300 else b"receiver says no"
            self.send_response(answer)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                self.wfile.write(payload)
            except OSError:
                pass  # the sender gave up (timeout) and closed the connection

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
