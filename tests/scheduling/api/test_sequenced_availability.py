"""POST /v1/sequenced_availability."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_client import JsonClient
from tests.api_helpers import at, period, z
from tests.factories import make_account, make_event, make_tokens, primary_calendar


@pytest.fixture
def people(app_creds):
    alice = make_account(app_creds.application, name="Alice")
    bob = make_account(app_creds.application, name="Bob")
    make_event(primary_calendar(alice), at(10), at(11))
    make_event(primary_calendar(bob), at(13), at(14))
    return alice, bob


def step(ordinal, member, **extra) -> dict:
    body = {
        "sequence_id": f"step-{ordinal}",
        "ordinal": ordinal,
        "participants": [{"members": [{"sub": member.sub}], "required": "all"}],
        "required_duration": {"minutes": 60},
        "start_interval": {"minutes": 60},
    }
    body.update(extra)
    return body


def items(sequence) -> list[tuple[str, str, str]]:
    return [(i["sequence_id"], i["start"], i["end"]) for i in sequence["sequence"]]


@pytest.mark.django_db(transaction=True)
def test_pycronofy_sequenced_availability(cronofy, app_creds, people):
    alice, bob = people
    client = cronofy(access_token=app_creds.client_secret)  # the API key: several accounts
    sequences = client.sequenced_availability(
        sequence=[step(1, alice), step(2, bob)], available_periods=[period(9, 17)]
    )
    assert items(sequences[0]) == [
        ("step-1", z(at(9)), z(at(10))),
        ("step-2", z(at(10)), z(at(11))),
    ]
    # Alice is busy 10-11, so the next sequence starts at 11; Bob's 13-14 pushes nothing here.
    assert items(sequences[1]) == [
        ("step-1", z(at(11)), z(at(12))),
        ("step-2", z(at(12)), z(at(13))),
    ]
    assert sequences[0]["sequence"][1]["participants"] == [{"sub": bob.sub}]


def test_minimum_gap_between_steps(app_creds, people):
    alice, bob = people
    body = {
        "sequence": [
            step(1, alice, buffer={"after": {"minimum": {"minutes": 120}}}),
            step(2, bob),
        ],
        "query_periods": [period(9, 17)],
    }
    response = JsonClient(app_creds.client_secret).call("POST", "/v1/sequenced_availability", body)
    assert response.status_code == 200
    first = response.json()["sequences"][0]
    # 9-10, then at least two hours later: 12-13 (without the gap it would be 10-11).
    assert items(first) == [("step-1", z(at(9)), z(at(10))), ("step-2", z(at(12)), z(at(13)))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["sequence"][1].update(ordinal=1), "sequence"),
        (lambda b: b.pop("query_periods"), "query_periods"),
        (
            lambda b: b["sequence"][1].update(
                buffer={"before": {"minimum": {"minutes": 60}, "maximum": {"minutes": 30}}}
            ),
            "sequence.1.buffer.before",
        ),
        (
            lambda b: (
                b["sequence"][0].update(buffer={"after": {"minimum": {"minutes": 60}}}),
                b["sequence"][1].update(buffer={"before": {"maximum": {"minutes": 30}}}),
            ),
            "sequence.1.buffer",
        ),
        (
            lambda b: b["sequence"][1]["participants"][0]["members"][0].update(sub="apc_nobody"),
            "sequence.1.participants.0.members.0.sub",
        ),
        (lambda b: b["sequence"][0].update(required_duration=[]), "sequence.0.required_duration"),
    ],
)
def test_bad_sequences_get_a_422(app_creds, people, change, field):
    alice, bob = people
    body = {"sequence": [step(1, alice), step(2, bob)], "query_periods": [period(9, 17)]}
    client = JsonClient(app_creds.client_secret)
    assert client.call("POST", "/v1/sequenced_availability", body).status_code == 200
    change(body)
    response = client.call("POST", "/v1/sequenced_availability", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_an_access_token_sequences_only_its_own_account(app_creds, people):
    alice, bob = people
    client = JsonClient(make_tokens(app_creds.application, alice).access_token)
    own = {"sequence": [step(1, alice), step(2, alice)], "query_periods": [period(9, 17)]}
    assert client.call("POST", "/v1/sequenced_availability", own).status_code == 200
    mixed = {"sequence": [step(1, alice), step(2, bob)], "query_periods": [period(9, 17)]}
    response = client.call("POST", "/v1/sequenced_availability", mixed)
    assert response.status_code == 422
    [error] = response.json()["errors"]["sequence.1.participants.0.members.0.sub"]
    assert error["key"] == "errors.not_accessible"


def test_busy_blocks_are_loaded_for_the_top_level_query_periods_only(app_creds, people):
    alice, bob = people
    wide = [{"start": "2020-01-01T00:00:00Z", "end": "2040-01-01T00:00:00Z"}]
    body = {
        "sequence": [step(1, alice, available_periods=wide), step(2, bob)],
        "query_periods": [period(9, 17)],
    }
    with CaptureQueriesContext(connection) as queries:
        response = JsonClient(app_creds.client_secret).call(
            "POST", "/v1/sequenced_availability", body
        )
    assert response.status_code == 200
    [events_sql] = [q["sql"] for q in queries if 'FROM "scheduling_event"' in q["sql"]]
    assert "2020-01-01" not in events_sql
    assert "2039-12-31" not in events_sql
    assert "2040-01-01" not in events_sql
