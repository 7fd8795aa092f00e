import pytest

from scheduling.services.accounts import user_account_ensure
from tests.factories import make_user
from tests.fakes.ics_server import IcsServer
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
    "BEGIN:VEVENT\r\nUID:one@test\r\nDTSTAMP:20250101T000000Z\r\n"
    "DTSTART:20250303T090000Z\r\nDTEND:20250303T100000Z\r\nSUMMARY:Busy\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Feeds:
    """The ICS file server (tests/fakes/ics_server.py), one call to serve a text at a path."""

    def __init__(self, server: IcsServer) -> None:
        self.server = server

    def serve(self, path: str, text: str, content_type: str = "text/calendar") -> str:
        self.server.put(path, text, content_type=content_type)
        return self.server.url(path)


@pytest.fixture
def feed_server():
    with IcsServer() as server:
        yield Feeds(server)
