"""DELETE /v1/calendars/{calendar_id}/events and DELETE /v1/events over plain HTTP."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from scheduling.models import Calendar, Event
from tests.factories import make_account, make_event, primary_calendar

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
LONG_AGO = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def calendar(account):
    return primary_calendar(account)


@pytest.fixture
def second_calendar(account, calendar):
    return Calendar.objects.create(
        calendar_id="cal_second_one", account=account, profile=calendar.profile, name="Second"
    )


def event(calendar, event_id=None, *, hours=0):
    """With an event_id, an event managed by the application owning the calendar's account (the
    caller's in these tests); without, an external event."""
    start = T0 + dt.timedelta(hours=hours)
    return make_event(
        calendar,
        start,
        start + dt.timedelta(hours=1),
        application=calendar.account.application if event_id is not None else None,
        event_id=event_id,
        now=LONG_AGO,
    )


def snapshot():
    return sorted((model_to_dict(e) for e in Event.objects.all()), key=lambda d: d["id"])


def delete_one(api, calendar, body):
    return api.call("DELETE", f"/v1/calendars/{calendar.calendar_id}/events", body)


def test_delete_by_event_id_soft_deletes_and_stamps_updated_at(api, calendar):
    target = event(calendar, "keep-1")
    other = event(calendar, "keep-2", hours=2)

    response = delete_one(api, calendar, {"event_id": "keep-1"})

    assert response.status_code == 202
    target.refresh_from_db()
    assert target.deleted is True
    assert target.updated_at > LONG_AGO
    other.refresh_from_db()
    assert (other.deleted, other.updated_at) == (False, LONG_AGO)


def test_delete_by_event_uid_deletes_an_external_event(api, calendar):
    external = event(calendar)

    response = delete_one(api, calendar, {"event_uid": external.event_uid})

    assert response.status_code == 202
    external.refresh_from_db()
    assert external.deleted is True


@pytest.mark.parametrize("body", [{"event_id": "nope"}, {"event_uid": "evt_nope"}])
def test_deleting_an_unknown_event_is_accepted_and_changes_nothing(api, calendar, body):
    event(calendar, "keep-1")
    before = snapshot()

    assert delete_one(api, calendar, body).status_code == 202
    assert snapshot() == before


def test_deleting_an_already_deleted_event_changes_nothing(api, calendar):
    event(calendar, "gone")
    Event.objects.update(deleted=True)
    before = snapshot()

    assert delete_one(api, calendar, {"event_id": "gone"}).status_code == 202
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "event_id"), ({"event_id": "keep-1", "event_uid": "evt_x"}, "event_uid")],
)
def test_delete_needs_exactly_one_id(api, calendar, body, field):
    event(calendar, "keep-1")
    before = snapshot()

    response = delete_one(api, calendar, body)

    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert snapshot() == before


def test_delete_in_another_accounts_calendar_is_404_and_deletes_nothing(api, app_creds):
    foreign = primary_calendar(make_account(app_creds.application))
    event(foreign, "theirs")
    before = snapshot()

    response = delete_one(api, foreign, {"event_id": "theirs"})

    assert response.status_code == 404
    assert snapshot() == before


def test_delete_in_read_only_calendar_is_422(api, calendar):
    event(calendar, "keep-1")
    Calendar.objects.filter(pk=calendar.pk).update(readonly=True)
    before = snapshot()

    response = delete_one(api, calendar, {"event_id": "keep-1"})

    assert response.status_code == 422
    assert "calendar_id" in response.json()["errors"]
    assert snapshot() == before


def live_ids():
    return set(Event.objects.filter(deleted=False).values_list("event_id", flat=True))


@pytest.fixture
def spread(calendar, second_calendar, app_creds):
    """Managed events in two calendars, an external event, and another account's event."""
    event(calendar, "a")
    event(second_calendar, "b")
    event(calendar)
    event(primary_calendar(make_account(app_creds.application)), "theirs")


@pytest.mark.parametrize(
    ("query", "body"),
    [("?delete_all=True", {}), ("?delete_all=true", {}), ("", {"delete_all": True})],
)
def test_delete_all_deletes_the_accounts_managed_events(api, spread, query, body):
    response = api.call("DELETE", f"/v1/events{query}", body)

    assert response.status_code == 202
    assert live_ids() == {None, "theirs"}


def test_delete_all_by_calendar_ids_in_the_query(api, spread, second_calendar):
    response = api.call("DELETE", f"/v1/events?calendar_ids[]={second_calendar.calendar_id}", {})

    assert response.status_code == 202
    assert live_ids() == {"a", None, "theirs"}


def test_delete_all_by_calendar_ids_in_the_body(api, spread, calendar):
    response = api.call("DELETE", "/v1/events", {"calendar_ids": [calendar.calendar_id]})

    assert response.status_code == 202
    assert live_ids() == {"b", None, "theirs"}


def test_delete_all_with_a_foreign_calendar_id_is_422_naming_it(api, spread, calendar, app_creds):
    foreign = primary_calendar(make_account(app_creds.application))
    before = snapshot()

    response = api.call(
        "DELETE",
        f"/v1/events?calendar_ids[]={calendar.calendar_id}&calendar_ids[]={foreign.calendar_id}",
        {},
    )

    assert response.status_code == 422
    errors = response.json()["errors"]["calendar_ids"]
    assert [e["key"] for e in errors] == ["errors.invalid"]
    assert foreign.calendar_id in errors[0]["description"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("query", "body"), [("", {}), ("?delete_all=False", {}), ("", {"delete_all": False})]
)
def test_delete_all_without_delete_all_or_calendar_ids_is_422(api, spread, query, body):
    before = snapshot()

    response = api.call("DELETE", f"/v1/events{query}", body)

    assert response.status_code == 422
    assert response.json()["errors"]["delete_all"][0]["key"] == "errors.required"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("query", "body"),
    [
        ("?delete_all=true&calendar_ids[]=CAL", {}),
        ("", {"delete_all": True, "calendar_ids": ["CAL"]}),
    ],
)
def test_delete_all_with_both_delete_all_and_calendar_ids_is_422(
    api, spread, calendar, query, body
):
    before = snapshot()
    query = query.replace("CAL", calendar.calendar_id)
    body = {k: [calendar.calendar_id] if k == "calendar_ids" else v for k, v in body.items()}

    response = api.call("DELETE", f"/v1/events{query}", body)

    assert response.status_code == 422
    assert response.json()["errors"]["calendar_ids"][0]["key"] == "errors.invalid"
    assert snapshot() == before
