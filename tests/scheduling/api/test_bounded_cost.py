"""A refused request costs little whatever it holds: limits are checked before items are validated.

Each of the worst inputs we could think of (a body just under API_MAX_BODY_BYTES filled with the
cheapest-to-send, costliest-to-check content, lists far over their limits at every level, deep
nesting, long strings, many query parameters) is timed as process CPU time, the least of a few
runs (each after a garbage collection, so that earlier work's garbage is not counted), next to a
trivial request timed in the same rounds. Each must stay within REFUSED_CPU_MS, or
within TRIVIAL_MULTIPLE trivial requests when the machine is slow enough to make that the larger.
"""

import gc
import json
import time
from collections.abc import Callable

import pytest
from django.conf import settings

from scheduling.api.parsers import MAX_JSON_CONTAINERS, MAX_JSON_DEPTH
from scheduling.engine import limits
from tests.api_helpers import period
from tests.factories import primary_calendar

pytestmark = [pytest.mark.django_db, pytest.mark.timing]

REFUSED_CPU_MS = 50
TRIVIAL_MULTIPLE = 20
ROUNDS = 5


def fill(template: Callable[[list], object], item: object) -> str:
    """The JSON text of template([item] * n) for the largest n that keeps it under the limit."""
    one = len(json.dumps(template([item])))
    each = len(json.dumps(template([item, item]))) - one
    count = (settings.API_MAX_BODY_BYTES - one) // each
    text = json.dumps(template([item] * count))
    assert (
        settings.API_MAX_BODY_BYTES - each * 2 < len(text.encode()) <= settings.API_MAX_BODY_BYTES
    )
    return text


def availability(**changes) -> dict:
    body = {
        "participants": [{"members": ["acc_x"]}],
        "required_duration": {"minutes": 30},
        "query_periods": [period(9, 17)],
    }
    return {**body, **changes}


def step(ordinal: int, **changes) -> dict:
    return {
        "sequence_id": f"s{ordinal}",
        "ordinal": ordinal,
        "participants": [{"members": ["acc_x"]}],
        "required_duration": {"minutes": 30},
        **changes,
    }


def busy_member(index: int) -> dict:
    """A member as heavy as the limits allow."""
    return {
        "sub": f"acc_{index}",
        "available_periods": [period(9, 17)] * limits.MAX_QUERY_PERIODS,
        "calendar_ids": [f"cal_{n}" for n in range(100)],
        "availability_rule_ids": [f"rule_{n}" for n in range(100)],
    }


def deep_but_within(depth: int) -> str:
    """As many arrays as the container limit allows, nested `depth` deep (the root and "x" are two
    of the levels)."""
    one = "[" * (depth - 2) + "]" * (depth - 2)
    return '{"x": [' + ",".join([one] * (MAX_JSON_CONTAINERS // depth)) + "]}"


def worst_bodies() -> dict[str, tuple[str, str]]:
    """name -> (path, JSON body); every one is refused."""
    av, seq, rules = "/v1/availability", "/v1/sequenced_availability", "/v1/availability_rules"
    many = 10 * limits.MAX_GROUPS
    return {
        "members in one group": (
            av,
            fill(lambda m: availability(participants=[{"members": m}]), "a"),
        ),
        "members over all groups": (
            av,
            json.dumps(availability(participants=[{"members": ["a"] * 100}] * 10)),
        ),
        "groups": (av, fill(lambda g: availability(participants=g), {})),
        "heaviest members, one field wrong": (
            av,
            json.dumps(
                availability(
                    participants=[{"members": [busy_member(i) for i in range(100)]}],
                    required_duration=0,
                )
            ),
        ),
        "query periods": (av, fill(lambda p: availability(query_periods=p), "x")),
        "query slots": (av, fill(lambda s: availability(query_periods=None, query_slots=s), {})),
        "steps": (seq, fill(lambda s: {"sequence": s}, {})),
        "members over all steps": (
            seq,
            json.dumps(
                {
                    "sequence": [
                        step(i, participants=[{"members": ["a"] * 100}] * 10) for i in range(10)
                    ],
                    "query_periods": [period(9, 17)],
                }
            ),
        ),
        "groups in steps": (
            seq,
            json.dumps({"sequence": [step(i, participants=[{}] * many) for i in range(10)]}),
        ),
        "weekly periods": (
            rules,
            fill(lambda w: {"availability_rule_id": "r", "weekly_periods": w}, {}),
        ),
        "rule calendar ids": (
            rules,
            fill(lambda c: {"availability_rule_id": "r", "calendar_ids": c}, "c"),
        ),
        "channel calendar ids": (
            "/v1/channels",
            fill(lambda c: {"callback_url": "https://e.com", "filters": {"calendar_ids": c}}, "c"),
        ),
    }


def worst_event_bodies() -> dict[str, str]:
    """name -> JSON body for an event upsert; every one is refused."""
    limit = settings.API_MAX_BODY_BYTES - 100
    return {
        "long summary": json.dumps({"event_id": "e", "summary": "s" * limit}),
        "long event id": json.dumps({"event_id": "e" * limit}),
        "long description": json.dumps({"description": "d" * limit}),
        "long tzid": json.dumps({"tzid": "t" * limit}),
        "numbers in an ignored field": fill(lambda x: {"x": x}, 0),
        "floats in an ignored field": fill(lambda x: {"x": x}, 1.5e300),
        "long integers in an ignored field": fill(lambda x: {"x": x}, int("9" * 4000)),
        "empty strings": fill(lambda x: {"x": x}, ""),
        "empty strings among brackets": fill(lambda x: {"x": x, "y": [[]] * 70}, ""),
        "escaped quotes among brackets": fill(lambda x: {"x": x, "y": [[]] * 70}, '"'),
        "emoji escapes, then a lone surrogate": fill(
            lambda x: {"x": x, "y": "\ud800"}, "\U0001f389"
        ),
        "numbers, then a NUL": fill(lambda x: {"x": x, "y": "\x00"}, 0),
        "opening brackets": "[" * (settings.API_MAX_BODY_BYTES - 1),
        "deep nesting": '{"x": ' + "[" * 1000 + "]" * 1000 + "}",
        "many containers at the depth limit": deep_but_within(MAX_JSON_DEPTH),
        "containers over the limit": fill(lambda x: {"x": x}, {}),
        "over the size limit": json.dumps({"x": "x" * settings.API_MAX_BODY_BYTES}),
    }


def cpu_ms(call: Callable[[], object]) -> tuple[float, object]:
    gc.collect()  # garbage of earlier work is not this request's cost
    start = time.process_time()
    result = call()
    return (time.process_time() - start) * 1000, result


def assert_cheap(trivial: Callable, refused: Callable, expected: set[int]) -> None:
    trivial_ms, refused_ms = [], []
    for _ in range(ROUNDS):
        trivial_ms.append(cpu_ms(trivial)[0])
        spent, response = cpu_ms(refused)
        refused_ms.append(spent)
        assert response.status_code in expected, response.content[:300]
    bound = max(REFUSED_CPU_MS, TRIVIAL_MULTIPLE * min(trivial_ms))
    assert min(refused_ms) <= bound, f"{min(refused_ms):.1f} ms (trivial {min(trivial_ms):.1f})"


@pytest.fixture
def trivial(api):
    return lambda: api.call("GET", "/v1/calendars")


@pytest.mark.parametrize("name", list(worst_bodies()))
def test_a_refused_request_is_cheap(api, trivial, name):
    path, body = worst_bodies()[name]
    assert_cheap(trivial, lambda: api.call("POST", path, body), {422})


@pytest.mark.parametrize("name", list(worst_event_bodies()))
def test_a_refused_event_upsert_is_cheap(api, account, trivial, name):
    path = f"/v1/calendars/{primary_calendar(account).calendar_id}/events"
    body = worst_event_bodies()[name]
    assert_cheap(trivial, lambda: api.call("POST", path, body), {422})


@pytest.mark.parametrize(
    "query",
    [
        "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)),
        "tzid=Etc/UTC&" + "&".join(["calendar_ids[]=c"] * 999),
        "tzid=" + "x" * 100_000,
        "tzid=Etc/UTC&from=" + "2" * 100_000,
    ],
    ids=["too many parameters", "calendar ids", "long tzid", "long from"],
)
def test_a_refused_read_is_cheap(api, trivial, query):
    assert_cheap(trivial, lambda: api.call("GET", f"/v1/events?{query}"), {422})


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "grant_type=" + "g" * 1_000_000),
        ("application/x-www-form-urlencoded", "&".join(["a=1"] * 200_000)),
        ("application/json", fill(lambda g: {"grant_type": g}, "g")),
        ("application/json", "[" * 1_000_000),
    ],
    ids=["long form field", "many form fields", "json list", "opening brackets"],
)
def test_a_refused_token_request_is_cheap(anon_api, trivial, content_type, body):
    def refused():
        return anon_api.post("/oauth/token", data=body, content_type=content_type)

    assert_cheap(trivial, refused, {400, 401})


def test_members_over_the_limit_are_refused_before_any_is_validated(api):
    members = [{"sub": 1, "calendar_ids": "not a list"}] * 100
    body = availability(participants=[{"members": members}, {"members": ["a"]}])
    response = api.call("POST", "/v1/availability", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "participants": [{"key": "errors.too_long", "description": "at most 100 members in all"}]
    }


def test_members_over_the_limit_in_all_steps_are_refused_before_any_is_validated(api):
    members = [{"sub": 1}] * 50
    sequence = [step(i, participants=[{"members": members}]) for i in range(3)]
    response = api.call("POST", "/v1/sequenced_availability", {"sequence": sequence})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["sequence"]
    assert response.json()["errors"]["sequence"][0]["key"] == "errors.too_long"
