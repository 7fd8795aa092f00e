"""A real HTTP receiver for callbacks: a server on 127.0.0.1 in a thread, recording what arrives.

    with CallbackReceiver() as receiver:
        ... deliver to receiver.url ...
        [callback] = receiver.received
        assert callback.signed_with(client_secret)

It answers every POST with `receiver.status` (200 by default; set another to make it refuse),
after `receiver.delay` seconds (to make a sender time out), and
can `stop()` and `start()` again on the same port, so a test can take it down (connections
refused) and bring it back. Signatures are checked with pycronofy's own `hmac_valid`, what an
integrator would run, rather than with the code under test.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pycronofy

from scheduling.callback_signing import HEADER


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def signature(self) -> str:
        return self.headers.get(HEADER, "")

    def signed_with(self, secret: str) -> bool:
        client = pycronofy.Client(client_id="receiver", client_secret=secret)
        return client.hmac_valid(self.signature, self.body.decode("utf-8"))

    def json(self) -> Any:
        return json.loads(self.body)


class CallbackReceiver:
    def __init__(
        self, status: int = 200, headers: dict[str, str] | None = None, delay: float = 0.0
    ) -> None:
        self.status = status
        self.delay = delay
        self.response_headers = headers or {}
        self.received: list[Received] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callbacks"

    def start(self) -> "CallbackReceiver":
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the listening socket: connections to the port are refused until start()."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "CallbackReceiver":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until `count` callbacks have arrived (for tests with a real worker)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._arrived:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    receiver._arrived.notify_all()
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                for name, value in receiver.response_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args) -> None:
                pass  # keep test output quiet

        return Handler
