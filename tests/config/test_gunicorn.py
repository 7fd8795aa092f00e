"""config/gunicorn.conf.py on a real gunicorn: slow clients cannot stall the server.

The server has one worker process with four threads. Three clients that declare a large body and
send it a byte at a time hold three threads; the API still answers on the fourth. A fourth slow
client takes that one too, and then nothing answers: the control, showing that the slow clients
really do hold a thread each (the old sync workers gave them a whole process each). A client that
stops sending altogether gets a 408 after WEB_CLIENT_TIMEOUT, and its thread back. And
X-Forwarded-Proto is believed only behind a proxy.
"""

import http.client
import socket
import threading
import time
from contextlib import ExitStack

import pytest

from tests.config.served import demo_database, free_port, server_env, start_gunicorn, stop_group

THREADS = 4
CLIENT_TIMEOUT = 2
QUICK = 2.0  # seconds within which a request on an idle thread answers, even on a busy machine


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("gunicorn"))


@pytest.fixture(scope="module")
def server(demo):
    database, demo = demo
    port = free_port()
    env = server_env(
        database,
        WEB_WORKERS="1",
        WEB_THREADS=str(THREADS),
        WEB_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT),
    )
    process = start_gunicorn(env, port)
    try:
        yield port, demo["accounts"][0]["access_token"]
    finally:
        stop_group(process)


class SlowUpload:
    """Declares a 100 kB JSON body to /oauth/token and sends it a byte every `interval` seconds
    (never, with interval None), so the thread reading it waits."""

    def __init__(self, port: int, interval: float | None = 0.2) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(
            b"POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        )
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._trickle, args=(interval,), daemon=True)
        self.thread.start()

    def _trickle(self, interval: float | None) -> None:
        while interval is not None and not self.stopped.wait(interval):
            try:
                self.sock.sendall(b" ")
            except OSError:
                return

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


def slow_uploads(stack: ExitStack, port: int, count: int) -> None:
    for _ in range(count):
        stack.callback(SlowUpload(port).close)
    time.sleep(0.5)  # each is now in a thread, reading its body


def timed_get(port: int, token: str | None = None) -> tuple[int | None, float]:
    """Status of GET /v1/calendars (None if no answer within 3 * QUICK) and the seconds taken."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3 * QUICK)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.monotonic()
    try:
        connection.request("GET", "/v1/calendars", headers=headers)
        status = connection.getresponse().status
    except TimeoutError:
        status = None
    finally:
        connection.close()
    return status, time.monotonic() - started


def test_three_slow_uploads_leave_the_api_answering(server):
    port, token = server
    with ExitStack() as stack:
        slow_uploads(stack, port, 3)

        status, seconds = timed_get(port, token)
        assert (status, seconds < QUICK) == (200, True)
        status, seconds = timed_get(port)
        assert (status, seconds < QUICK) == (401, True)


def test_control_as_many_slow_uploads_as_threads_stall_it(server):
    port, token = server
    with ExitStack() as stack:
        slow_uploads(stack, port, THREADS)

        status, _ = timed_get(port, token)

    assert status is None
    assert timed_get(port, token)[0] == 200  # the threads are back once the uploads end


def test_a_silent_client_loses_its_thread(server):
    port, token = server
    with ExitStack() as stack:
        slow_uploads(stack, port, THREADS - 1)
        silent = SlowUpload(port, interval=None)
        started = time.monotonic()

        answer = silent.sock.recv(4096)  # the server gives up on it
        waited = time.monotonic() - started
        silent.close()

        assert answer.startswith(b"HTTP/1.1 408 ")
        assert CLIENT_TIMEOUT - 1 < waited < CLIENT_TIMEOUT + QUICK
        status, seconds = timed_get(port, token)
        assert (status, seconds < QUICK) == (200, True)


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_forwarded_proto_counts_only_behind_a_proxy(demo, behind_proxy):
    """HSTS goes only to requests taken as HTTPS. Without BEHIND_PROXY, neither Django nor
    gunicorn (whose default trusts the header from 127.0.0.1) may take the client's word."""
    database, _demo = demo
    port = free_port()
    env = server_env(database, WEB_WORKERS="1", SECURE_COOKIES="true")
    process = start_gunicorn(env | {"BEHIND_PROXY": str(behind_proxy).lower()}, port)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/health", headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        connection.close()
    finally:
        stop_group(process)

    assert response.status in {200, 503}  # never redirected
    assert (response.getheader("Strict-Transport-Security") is not None) == behind_proxy
