"""A fake Telegram Bot API server on loopback, spoken to by the real python-telegram-bot.

Point the library at it with ``base_url=server.base_url``. It answers the methods the bot uses
with ``{"ok": true, "result": ...}``, records every call, and can be told to fail: a status
for the next N calls of a method (500, 429 with retry_after), or 403 for one chat always.
"""

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 777000
BOT_USERNAME = "bookit_test_bot"
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    times: int


@dataclass
class FakeBotState:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[_Failure]] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    updates: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))


def _decode(value: str) -> Any:
    # PTB sends form fields; objects (reply_markup) and numbers arrive JSON-encoded.
    try:
        return json.loads(value)
    except ValueError:
        return value


class _Handler(BaseHTTPRequestHandler):
    server: "FakeBotServer"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if "json" in (self.headers.get("Content-Type") or ""):
            params = json.loads(raw or "{}")
        else:
            params = {k: _decode(v[-1]) for k, v in parse_qs(raw).items()}
        method = self.path.rstrip("/").rsplit("/", 1)[-1]
        status, body = self.server.answer(method, params)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeBotServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = FakeBotState()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    # --- control ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/bot"

    def start(self) -> "FakeBotServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def fail(self, method: str, *, status: int = 500, times: int = 1, **body: Any) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` with an error body."""
        payload = {"ok": False, "error_code": status, "description": f"Error {status}", **body}
        with self.state.lock:
            self.state.failures.setdefault(method, []).append(_Failure(status, payload, times))

    def block(self, chat_id: int) -> None:
        """Every message to ``chat_id`` gets 403 Forbidden: the user blocked the bot."""
        self.state.blocked_chats.add(int(chat_id))

    def calls(self, method: str | None = None) -> list[Call]:
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of the messages delivered (answered 200), optionally to one chat."""
        return [
            c.params["text"]
            for c in self.calls("sendMessage")
            if c.status == 200 and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def reset(self) -> None:
        with self.state.lock:
            self.state.calls.clear()
            self.state.failures.clear()
            self.state.blocked_chats.clear()

    # --- answers ---------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        call = Call(method, params)
        with self.state.lock:
            self.state.calls.append(call)
            queue = self.state.failures.get(method) or []
            if queue:
                failure = queue[0]
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
                call.status = failure.status
                return failure.status, failure.body
        if method == "sendMessage" and int(params.get("chat_id", 0)) in self.state.blocked_chats:
            call.status = 403
            return 403, BLOCKED
        if self.state.delay and method == "sendMessage":
            time.sleep(self.state.delay)  # widens the window in which two senders overlap
        return 200, {"ok": True, "result": self._result(method, params)}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "BookIT",
                "username": BOT_USERNAME,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id") or 0)
            message = {
                "message_id": int(params.get("message_id") or next(self.state.message_ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "BookIT"},
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getUpdates":
            with self.state.lock:
                updates, self.state.updates = self.state.updates, []
            if not updates:
                time.sleep(0.05)
            return updates
        return True
