import pytest

from scheduling.services.accounts import user_account_ensure
from tests.factories import make_user
from tests.fakes.radicale import RadicaleServer

USER = "alice"
PASSWORD = "app-password-1"


@pytest.fixture(scope="session")
def radicale():
    """One Radicale server for the session (users are added while it runs)."""
    with RadicaleServer() as server:
        server.add_user(USER, PASSWORD)
        yield server


@pytest.fixture
def person(db):
    """A signed-in person: their user, and their scheduling account."""
    user = make_user()
    return user, user_account_ensure(user=user)


FEED = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:one@test\r\nDTSTAMP:20260101T000000Z\r\n"
    "DTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Busy\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class _FeedServer:
    """TEMP: a tiny file server on 127.0.0.1 (replaced by tests/fakes/ics_server.py)."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        files = self.files = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path not in files:
                    self.send_response(404)
                    self.end_headers()
                    return
                body, content_type = files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path, text, content_type="text/calendar"):
        self.files[path] = (text.encode(), content_type)
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server():
    server = _FeedServer()
    yield server
    server.close()
