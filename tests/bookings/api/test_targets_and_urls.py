"""What a scheduling request may write into and call: target calendars the application may write
events in, event ids that no two steps write into one calendar, and URLs the network guard and
the http(s) rule let through. Each refusal is a 422 on its field and stores nothing."""

import pytest

from tests.bookings.api.calls import SCHEDULING, SEQUENCING, stored
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.factories import (
    make_account,
    make_application,
    make_tokens,
    make_user_account,
    primary_calendar,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(key_api):
    def call(path: str, body: dict):
        return key_api.call("POST", path, body)

    return call


def keys(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {field: items[0]["key"] for field, items in response.json()["errors"].items()}


def with_target(people, sub: str, calendar_id: str) -> dict:
    body = scheduling_body(people)
    body["target_calendars"] = [{"sub": sub, "calendar_id": calendar_id}]
    return body


# --- target calendars -------------------------------------------------------------------------


def test_a_target_of_an_unknown_or_foreign_account_is_refused_on_its_sub(post, people):
    foreign = make_account(make_application("Other").application)
    body = scheduling_body(people)
    body["target_calendars"] = [
        {"sub": "acc_nobody", "calendar_id": "cal_x"},
        {"sub": foreign.sub, "calendar_id": primary_calendar(foreign).calendar_id},
    ]

    assert keys(post(SCHEDULING, body)) == {
        "target_calendars.0.sub": "errors.unknown",
        "target_calendars.1.sub": "errors.unknown",
    }
    assert stored() == 0


def test_a_target_calendar_of_another_account_is_refused_on_its_calendar_id(post, people):
    body = with_target(people, people[0].sub, primary_calendar(people[1]).calendar_id)

    assert keys(post(SCHEDULING, body)) == {"target_calendars.0.calendar_id": "errors.invalid"}
    assert stored() == 0


@pytest.mark.parametrize("flag", ["readonly", "deleted"])
def test_a_read_only_or_deleted_target_calendar_is_refused(post, people, flag):
    calendar = primary_calendar(people[0])
    body = with_target(people, people[0].sub, calendar.calendar_id)
    type(calendar).objects.filter(pk=calendar.pk).update(**{flag: True})

    response = post(SCHEDULING, body)

    assert keys(response) == {"target_calendars.0.calendar_id": "errors.invalid"}
    assert (
        flag.replace("readonly", "read-only")
        in response.json()["errors"]["target_calendars.0.calendar_id"][0]["description"]
    )
    assert stored() == 0


@pytest.mark.parametrize(
    ("scope", "status"),
    [("read_free_busy", 422), ("read_events", 422), ("read_free_busy create_event", 200)],
)
def test_a_person_is_a_target_only_with_a_create_event_grant(
    post, app_creds, people, scope, status
):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope=scope)
    body = with_target(people, person.sub, primary_calendar(person).calendar_id)

    response = post(SCHEDULING, body)

    assert response.status_code == status
    if status == 422:
        assert keys(response) == {"target_calendars.0.sub": "errors.not_accessible"}
    assert stored() == (status == 200)


@pytest.mark.parametrize(
    ("targets", "key"),
    [([], "errors.too_short"), ([{"sub": "a", "calendar_id": "b"}] * 11, "errors.too_long")],
)
def test_one_to_ten_target_calendars(post, people, targets, key):
    body = scheduling_body(people)
    body["target_calendars"] = targets
    assert keys(post(SCHEDULING, body)) == {"target_calendars": key}


# --- step event ids ---------------------------------------------------------------------------


def test_two_steps_writing_one_event_id_into_one_calendar_are_refused(post, people):
    body = sequencing_body(people[0], people[0])
    body["target_calendars"] = body["target_calendars"][:1]
    for step in body["availability"]["sequence"]:
        step["event"]["event_id"] = "same"

    assert keys(post(SEQUENCING, body)) == {
        "availability.sequence.1.event.event_id": "errors.duplicate"
    }
    assert stored() == 0


def test_steps_default_to_event_ids_of_their_own(post, people):
    """`{event_id}_{sequence_id}`: the same person in both steps gets two events."""
    body = sequencing_body(people[0], people[0])
    body["target_calendars"] = body["target_calendars"][:1]

    assert post(SEQUENCING, body).status_code == 200


def test_one_event_id_in_two_steps_is_fine_in_different_calendars(post, people):
    body = sequencing_body(*people)
    for step in body["availability"]["sequence"]:
        step["event"]["event_id"] = "same"

    assert post(SEQUENCING, body).status_code == 200


def test_a_target_outside_every_step_receives_each_steps_event(post, app_creds, people):
    """A calendar of no participant (a shared room, say) gets every step's event: their ids must
    differ there."""
    room = make_account(app_creds.application, name="Room")
    body = sequencing_body(*people)
    body["target_calendars"].append(
        {"sub": room.sub, "calendar_id": primary_calendar(room).calendar_id}
    )
    body["availability"]["sequence"][0]["event"]["event_id"] = "one"
    body["availability"]["sequence"][1]["event"]["event_id"] = "one"

    assert keys(post(SEQUENCING, body)) == {
        "availability.sequence.1.event.event_id": "errors.duplicate"
    }


# --- URLs ---------------------------------------------------------------------------------------

REFUSED_NETWORKS = [
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:10.0.0.1]/hook",
    "http://192.168.0.1:8080/hook",
]


@pytest.mark.parametrize("url", REFUSED_NETWORKS)
@pytest.mark.parametrize(
    ("place", "field"),
    [
        (lambda b, u: b.update(callback_urls={"completed_url": u}), "callback_urls.completed_url"),
        (
            lambda b, u: b.update(callback_urls={"no_times_suitable_url": u}),
            "callback_urls.no_times_suitable_url",
        ),
        (
            lambda b, u: b.update(callback_urls={"no_times_displayed_url": u}),
            "callback_urls.no_times_displayed_url",
        ),
        (lambda b, u: b.update(callback_url=u), "callback_url"),
    ],
)
def test_callback_urls_into_refused_networks_are_refused(
    post, people, no_connections, url, place, field
):
    body = scheduling_body(people)
    place(body, url)

    response = post(SCHEDULING, body)

    assert keys(response) == {field: "errors.invalid"}
    assert "private or reserved" in response.json()["errors"][field][0]["description"]
    assert stored() == 0
    assert no_connections == []


def test_a_callback_host_that_does_not_resolve_is_refused(post, people):
    body = scheduling_body(people, callback_urls={"completed_url": "https://nowhere.test/cb"})
    assert keys(post(SCHEDULING, body)) == {"callback_urls.completed_url": "errors.invalid"}


def test_a_callback_host_resolving_to_a_private_address_is_refused(post, people, fake_dns):
    fake_dns.add("hooks.example.test", ["10.0.0.7"])
    body = scheduling_body(people, callback_url="https://hooks.example.test/cb")
    assert keys(post(SCHEDULING, body)) == {"callback_url": "errors.invalid"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.test/x",
        "//example.test/x",
        "http://",
        "http://example.test:99999/",
        "http://exa mple.test/",
        "http://" + "a" * 2000 + ".test/",
    ],
)
@pytest.mark.parametrize(
    ("place", "field"),
    [
        (lambda b, u: b.update(redirect_urls={"completed_url": u}), "redirect_urls.completed_url"),
        (lambda b, u: b.update(oauth={"redirect_uri": u}), "oauth.redirect_uri"),
        (lambda b, u: b.update(callback_urls={"completed_url": u}), "callback_urls.completed_url"),
        (lambda b, u: b.update(callback_url=u), "callback_url"),
    ],
)
def test_urls_must_be_http_or_https_with_a_host(post, people, no_connections, url, place, field):
    body = scheduling_body(people)
    place(body, url)

    assert list(keys(post(SCHEDULING, body))) == [field]
    assert stored() == 0


def test_redirect_urls_need_not_resolve(post, people, no_connections):
    """The visitor's browser follows a redirect, not the server: no lookup, no guard."""
    body = scheduling_body(
        people,
        redirect_urls={"completed_url": "https://app.example.test/thanks?x=1"},
        oauth={"redirect_uri": "http://127.0.0.1:9/done", "state": "s"},
    )
    assert post(SCHEDULING, body).status_code == 200
