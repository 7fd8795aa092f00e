"""/v1/availability_calendar (an extension beyond Cronofy: seed 000's sub-calendar recipe built
in), and the proof that the recipe, written by an integrator with pycronofy against the live
server, gives the same available periods as the built-in availability calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pycronofy.pagination import Pages

from scheduling.models import Account, AvailablePeriod
from scheduling.services.calendars import calendar_create
from tests.api_client import JsonClient
from tests.api_helpers import at, period, z
from tests.factories import make_account, make_event, make_tokens, primary_calendar

PATH = "/v1/availability_calendar"


@pytest.fixture
def side(account):
    primary = primary_calendar(account)
    return calendar_create(account=account, profile_id=primary.profile.profile_id, name="Open")


def body_of(calendar_id) -> dict:
    return {"availability_calendar": {"calendar_id": calendar_id}}


def assert_422(response, key: str) -> None:
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["calendar_id"][0]["key"] == key


# --- set, read, clear ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_put_sets_the_calendar_and_its_events_become_periods(api, account, side):
    event = make_event(side, at(9), at(12))
    assert api.call("GET", PATH).json() == body_of(None)

    response = api.call("PUT", PATH, {"calendar_id": side.calendar_id})

    assert response.status_code == 200
    assert response.json() == body_of(side.calendar_id)
    assert api.call("GET", PATH).json() == body_of(side.calendar_id)
    [made] = AvailablePeriod.objects.filter(account=account)
    assert (made.available_period_id, made.start, made.end) == (event.event_uid, at(9), at(12))


@pytest.mark.django_db
def test_put_null_clears_it_and_its_periods(api, account, side):
    make_event(side, at(9), at(12))
    api.call("PUT", PATH, {"calendar_id": side.calendar_id})

    response = api.call("PUT", PATH, {"calendar_id": None})

    assert (response.status_code, response.json()) == (200, body_of(None))
    assert not AvailablePeriod.objects.filter(account=account).exists()
    assert Account.objects.get(pk=account.pk).availability_calendar is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({}, "errors.required"),
        ({"calendar_id": 7}, "errors.invalid"),
        ({"calendar_id": ""}, "errors.required"),
        ({"calendar_id": "x" * 65}, "errors.too_long"),
        ({"calendar_id": "cal_nope"}, "errors.not_found"),
    ],
)
def test_bad_input_is_a_422_and_changes_nothing(api, account, side, body, key):
    api.call("PUT", PATH, {"calendar_id": side.calendar_id})
    assert_422(api.call("PUT", PATH, body), key)
    assert api.call("GET", PATH).json() == body_of(side.calendar_id)


@pytest.mark.django_db
def test_another_accounts_calendar_is_refused_like_an_unknown_one(api, app_creds, account):
    other = make_account(app_creds.application)
    foreign = primary_calendar(other).calendar_id

    foreign_answer = api.call("PUT", PATH, {"calendar_id": foreign})
    unknown_answer = api.call("PUT", PATH, {"calendar_id": "cal_nope"})

    assert_422(foreign_answer, "errors.not_found")
    assert foreign_answer.json() == {
        "errors": {
            "calendar_id": [
                {
                    "key": "errors.not_found",
                    "description": f"No calendar {foreign!r} in this account",
                }
            ]
        }
    }
    # The same words for both: nothing says the calendar exists elsewhere.
    unknown_text = unknown_answer.json()["errors"]["calendar_id"][0]["description"]
    assert unknown_text == "No calendar 'cal_nope' in this account"
    assert Account.objects.get(pk=account.pk).availability_calendar is None


@pytest.mark.django_db
def test_setting_needs_the_create_event_scope(app_creds, account, side):
    reader = JsonClient(
        make_tokens(app_creds.application, account, scope="read_account").access_token
    )
    assert reader.call("GET", PATH).status_code == 200
    response = reader.call("PUT", PATH, {"calendar_id": side.calendar_id})
    assert response.status_code == 403
    assert response.json()["errors"]["base"][0]["key"] == "errors.insufficient_scope"


@pytest.mark.django_db
def test_the_api_key_alone_reaches_no_availability_calendar(app_creds):
    response = JsonClient(app_creds.client_secret).call("GET", PATH)
    assert response.status_code in (401, 403)


# --- availability -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_managed_availability_is_exactly_the_availability_calendars_events(
    api, app_creds, account, side, django_capture_on_commit_callbacks
):
    api.call("PUT", PATH, {"calendar_id": side.calendar_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = api.call(
            "POST",
            f"/v1/calendars/{side.calendar_id}/events",
            {"event_id": "mon", "summary": "Open", "start": z(at(9)), "end": z(at(12))},
        )
    assert response.status_code == 202
    member = {"sub": account.sub, "managed_availability": True}
    query = {
        "participants": [{"members": [member], "required": "all"}],
        "required_duration": {"minutes": 60},
        "query_periods": [period(8, 17)],
    }

    answer = JsonClient(app_creds.client_secret).call("POST", "/v1/availability", query)

    assert answer.status_code == 200, answer.content
    periods = [(p["start"], p["end"]) for p in answer.json()["available_periods"]]
    assert periods == [(z(at(9)), z(at(12)))]  # free then, and the events do not make it busy


# --- seed 000's own loop, next to the built-in one ----------------------------------------------


class SeedLoop:
    """Seed 000, step by step, as an integrator writes it with pycronofy: a sub calendar, a
    channel filtered to it, and on each change notification a read of the events changed since
    `changes_since`, each upserted or deleted as an available period named by its event_uid."""

    def __init__(self, client, receiver) -> None:
        self.client = client
        self.receiver = receiver
        self.handled = 0
        profile_id = client.list_profiles()[0]["profile_id"]
        self.calendar_id = client.create_calendar(profile_id, "Availability")["calendar"][
            "calendar_id"
        ]
        client.create_notification_channel(receiver.url, calendar_ids=[self.calendar_id])

    def on_notifications(self) -> None:
        arrived = self.receiver.wait_for(self.handled + 1)
        for notification in arrived[self.handled :]:
            self.handled += 1
            if notification.json()["notification"]["type"] != "change":
                continue
            self._process(notification.json()["notification"]["changes_since"])

    def _process(self, changes_since: str) -> None:
        events = self.client.read_events(
            calendar_ids=[self.calendar_id],
            last_modified=changes_since,
            include_deleted=True,
            include_moved=True,
            tzid="Etc/UTC",
        ).all()
        for event in events:
            if event["deleted"]:
                self.client.request_handler.delete(
                    endpoint="available_periods", data={"available_period_id": event["event_uid"]}
                )
            else:
                self.client.request_handler.post(
                    endpoint="available_periods",
                    data={
                        "available_period_id": event["event_uid"],
                        "start": event["start"],
                        "end": event["end"],
                    },
                )


def berlin(monday: dt.date, days: int, hour: int) -> dt.datetime:
    day = monday + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Berlin"))


def built_in(client) -> str:
    """The same sub calendar, marked as the availability calendar: no loop."""
    profile_id = client.list_profiles()[0]["profile_id"]
    calendar_id = client.create_calendar(profile_id, "Availability")["calendar"]["calendar_id"]
    response = client.request_handler._request(
        "put", endpoint="availability_calendar", data={"calendar_id": calendar_id}
    )
    assert response.json() == body_of(calendar_id)
    return calendar_id


def available_periods(client) -> list[dict]:
    first = client.request_handler.get(
        endpoint="available_periods", params={"from": z(at(-24)), "to": z(at(24 * 14))}
    ).json()
    return Pages(client.request_handler, first, "available_periods").all()


def live_event_uids(client, calendar_id) -> set[str]:
    events = client.read_events(calendar_ids=[calendar_id], tzid="Etc/UTC").all()
    return {event["event_uid"] for event in events}


@pytest.mark.django_db(transaction=True)
def test_seed_000s_loop_and_the_built_in_availability_calendar_agree(cronofy, app_creds, receiver):
    clients = [
        cronofy(access_token=make_tokens(app_creds.application, account).access_token)
        for account in (make_account(app_creds.application), make_account(app_creds.application))
    ]
    loop = SeedLoop(clients[0], receiver)
    loop.on_notifications()  # the channel's verification
    calendars = [loop.calendar_id, built_in(clients[1])]
    monday = at(0).date()  # the seed's loop takes no all-day events: their Dates are no Times
    changes = [
        ("upsert", {"event_id": "mon", "start": at(9), "end": at(12)}),
        ("upsert", {"event_id": "tue", "start": at(33), "end": at(36)}),
        ("upsert", {"event_id": "wed", "start": at(57), "end": at(60)}),
        ("upsert", {"event_id": "mon", "start": at(10), "end": at(13)}),  # moved
        ("delete", "tue"),
        # Office hours in Berlin: times with a zone of their own, stored as UTC.
        (
            "upsert",
            {"event_id": "thu", "start": berlin(monday, 3, 9), "end": berlin(monday, 3, 17)},
        ),
    ]
    for action, change in changes:
        for client, calendar_id in zip(clients, calendars, strict=True):
            if action == "upsert":
                client.upsert_event(calendar_id, {"summary": "Open", **change})
            else:
                client.delete_event(calendar_id, change)
        loop.on_notifications()

    by_loop, by_core = (available_periods(client) for client in clients)
    assert len(by_loop) == 3  # mon (moved), wed, thu
    assert [(p["start"], p["end"]) for p in by_loop] == [(p["start"], p["end"]) for p in by_core]
    for client, calendar_id, found in zip(clients, calendars, (by_loop, by_core), strict=True):
        assert {p["available_period_id"] for p in found} == live_event_uids(client, calendar_id)
