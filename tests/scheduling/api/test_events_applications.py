"""Managed events belong to the application that created them.

One user account authorizes two applications, A and B. Each manages its own events; to the other
they are ordinary (external) events: readable, but not addressable by event_id, not deletable,
not counted as managed.
"""

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from scheduling.models import Event
from tests.api_client import JsonClient
from tests.factories import (
    make_application,
    make_event,
    make_tokens,
    make_user_account,
    primary_calendar,
)

pytestmark = pytest.mark.django_db

JULY = "from=2024-07-01&to=2024-08-01"
BODY = {"start": "2024-07-01T09:00:00Z", "end": "2024-07-01T10:00:00Z"}


@pytest.fixture
def shared():
    """A person's account authorized by applications A and B, with a client for each."""
    account = make_user_account()
    apps = {}
    for name in ("a", "b"):
        application = make_application(f"App {name.upper()}").application
        client = JsonClient(make_tokens(application, account).access_token)
        apps[name] = SimpleNamespace(application=application, api=client)
    return SimpleNamespace(account=account, calendar=primary_calendar(account), **apps)


def upsert(app, calendar, event_id="booking-1", **fields):
    body = {"event_id": event_id, "summary": f"{app.application.name} event", **BODY, **fields}
    response = app.api.call("POST", f"/v1/calendars/{calendar.calendar_id}/events", body)
    assert response.status_code == 202, response.content
    return Event.objects.get(application=app.application, event_id=event_id)


def delete_one(app, calendar, body):
    return app.api.call("DELETE", f"/v1/calendars/{calendar.calendar_id}/events", body)


def read(app, query=JULY):
    response = app.api.call("GET", f"/v1/events?tzid=Etc/UTC&{query}")
    assert response.status_code == 200, response.content
    return {event["summary"]: event for event in response.json()["events"]}


def row(event):
    return model_to_dict(Event.objects.get(pk=event.pk))


def test_the_same_event_id_upserted_by_two_applications_makes_two_events(shared):
    upsert(shared.a, shared.calendar)
    upsert(shared.b, shared.calendar)

    events = Event.objects.order_by("application__name")
    assert [(e.application, e.event_id, e.summary) for e in events] == [
        (shared.a.application, "booking-1", "App A event"),
        (shared.b.application, "booking-1", "App B event"),
    ]
    assert events[0].event_uid != events[1].event_uid


def test_an_upsert_does_not_update_another_applications_event(shared):
    theirs = upsert(shared.a, shared.calendar)
    before = row(theirs)

    upsert(shared.b, shared.calendar, summary="Overwritten?", end="2024-07-01T11:00:00Z")

    assert row(theirs) == before


def test_an_upsert_updates_its_own_event_beside_another_applications(shared):
    theirs = upsert(shared.a, shared.calendar)
    mine = upsert(shared.b, shared.calendar)

    updated = upsert(shared.b, shared.calendar, summary="Moved")

    assert updated.pk == mine.pk
    assert updated.summary == "Moved"
    assert Event.objects.get(pk=theirs.pk).summary == "App A event"


@pytest.mark.parametrize("key", ["event_id", "event_uid"])
def test_another_applications_event_cannot_be_deleted(shared, key):
    theirs = upsert(shared.a, shared.calendar)
    before = row(theirs)

    response = delete_one(shared.b, shared.calendar, {key: getattr(theirs, key)})

    assert response.status_code == 202  # like an unknown id: deletes are idempotent
    assert row(theirs) == before


@pytest.mark.parametrize("key", ["event_id", "event_uid"])
def test_an_application_deletes_its_own_event_and_leaves_the_other_ones(shared, key):
    theirs = upsert(shared.a, shared.calendar)
    mine = upsert(shared.b, shared.calendar)
    before = row(theirs)

    response = delete_one(shared.b, shared.calendar, {key: getattr(mine, key)})

    assert response.status_code == 202
    assert Event.objects.get(pk=mine.pk).deleted is True
    assert row(theirs) == before


def test_an_external_event_can_be_deleted_by_event_uid_by_any_application(shared):
    external = make_event(
        shared.calendar,
        dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC),
        dt.datetime(2024, 7, 1, 10, tzinfo=dt.UTC),
    )

    response = delete_one(shared.b, shared.calendar, {"event_uid": external.event_uid})

    assert response.status_code == 202
    assert Event.objects.get(pk=external.pk).deleted is True


@pytest.mark.parametrize("by_calendar", [False, True])
def test_delete_all_deletes_only_the_callers_managed_events(shared, by_calendar):
    theirs = [upsert(shared.a, shared.calendar, "a-1"), upsert(shared.a, shared.calendar, "a-2")]
    mine = upsert(shared.b, shared.calendar, "b-1")
    external = make_event(shared.calendar, timezone.now(), timezone.now() + dt.timedelta(hours=1))
    body = {"calendar_ids": [shared.calendar.calendar_id]} if by_calendar else {"delete_all": True}

    response = shared.b.api.call("DELETE", "/v1/events", body)

    assert response.status_code == 202
    live = set(Event.objects.filter(deleted=False).values_list("pk", flat=True))
    assert live == {theirs[0].pk, theirs[1].pk, external.pk}
    assert Event.objects.get(pk=mine.pk).deleted is True


def test_another_applications_event_reads_as_an_external_event(shared):
    upsert(shared.a, shared.calendar, summary="A's")
    upsert(shared.b, shared.calendar, summary="B's")

    events = read(shared.b, f"{JULY}&include_managed=true")

    assert "event_id" not in events["A's"]
    assert events["A's"]["options"] == {
        "delete": False,
        "update": False,
        "change_participation_status": False,
    }
    assert events["B's"]["event_id"] == "booking-1"
    assert events["B's"]["options"]["update"] is True
    assert events["B's"]["options"]["delete"] is True


def test_managed_filters_are_relative_to_the_caller(shared):
    upsert(shared.a, shared.calendar, summary="A's")
    upsert(shared.b, shared.calendar, summary="B's")

    assert set(read(shared.b)) == {"A's"}  # by default: without B's own managed events
    assert set(read(shared.b, f"{JULY}&only_managed=true")) == {"B's"}
    assert set(read(shared.b, f"{JULY}&include_managed=true")) == {"A's", "B's"}
    assert set(read(shared.a, f"{JULY}&only_managed=true")) == {"A's"}


def test_free_busy_include_managed_is_relative_to_the_caller(shared):
    upsert(shared.a, shared.calendar)
    upsert(shared.b, shared.calendar, start="2024-07-02T09:00:00Z", end="2024-07-02T10:00:00Z")

    def starts(query):
        response = shared.b.api.call("GET", f"/v1/free_busy?tzid=Etc/UTC&{query}")
        return [block["start"] for block in response.json()["free_busy"]]

    assert starts(JULY) == ["2024-07-01T09:00:00Z"]
    assert starts(f"{JULY}&include_managed=true") == [
        "2024-07-01T09:00:00Z",
        "2024-07-02T09:00:00Z",
    ]


def test_only_the_callers_managed_events_escape_the_default_window(shared):
    far = (timezone.now() + dt.timedelta(days=400)).replace(microsecond=0)
    window = {"start": far.isoformat(), "end": (far + dt.timedelta(hours=1)).isoformat()}
    upsert(shared.a, shared.calendar, summary="A's", **window)
    upsert(shared.b, shared.calendar, summary="B's", **window)

    assert set(read(shared.b, "include_managed=true")) == {"B's"}
    assert set(read(shared.a, "include_managed=true")) == {"A's"}


@pytest.mark.parametrize("kind", ["events", "free_busy"])
def test_a_page_token_only_works_for_the_application_that_read_the_first_page(
    shared, settings, kind
):
    settings.API_PAGE_SIZE = 1
    upsert(shared.a, shared.calendar, "a-1")
    upsert(shared.a, shared.calendar, "a-2")
    first = shared.a.api.call("GET", f"/v1/{kind}?tzid=Etc/UTC&{JULY}&include_managed=true")
    next_page = urlsplit(first.json()["pages"]["next_page"]).path

    assert shared.a.api.call("GET", next_page).status_code == 200
    response = shared.b.api.call("GET", next_page)
    assert response.status_code == 404
    assert response.json()["errors"]["base"][0]["key"] == "errors.not_found"


def test_event_id_is_unique_per_calendar_and_application(shared):
    upsert(shared.a, shared.calendar)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(
            shared.calendar,
            timezone.now(),
            timezone.now() + dt.timedelta(hours=1),
            application=shared.a.application,
            event_id="booking-1",
        )


@pytest.mark.parametrize("managed", [False, True])
def test_managed_events_and_only_they_have_an_event_id(shared, managed):
    # An external event with an event_id, or a managed event without one.
    fields = {"application": shared.a.application} if managed else {"event_id": "orphan"}

    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(
            shared.calendar, timezone.now(), timezone.now() + dt.timedelta(hours=1), **fields
        )
