"""The admin renders every model, searches and filters, and never shows a secret."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling import credentials
from scheduling.models import (
    AccessToken,
    Account,
    Application,
    ApplicationSecret,
    AuthorizationCode,
    AvailabilityRule,
    AvailablePeriod,
    Calendar,
    Channel,
    ElementToken,
    Event,
    Grant,
    Profile,
    RefreshToken,
)
from scheduling.services.channels import channel_create
from tests.factories import (
    make_account,
    make_application,
    make_available_period,
    make_element_token,
    make_event,
    make_rule,
    make_tokens,
    make_user_account,
    primary_calendar,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 7, 27, 9, tzinfo=dt.UTC)
MODELS = [
    Application,
    ApplicationSecret,
    Account,
    Profile,
    Calendar,
    Channel,
    Event,
    AvailablePeriod,
    AvailabilityRule,
    Grant,
    AuthorizationCode,
    AccessToken,
    RefreshToken,
    ElementToken,
]


@dataclass
class World:
    objects: dict = field(default_factory=dict)
    raw_secrets: list[str] = field(default_factory=list)  # credentials in the clear
    stored_secrets: list[str] = field(default_factory=list)  # their hashes and ciphertexts


def build_world(name: str) -> World:
    """At least one row of every scheduling model, with every credential kept for checks."""
    new_app = make_application(name)
    application = new_app.application
    room = make_account(application, name=f"{name} room")
    person = make_user_account()
    person_tokens = make_tokens(application, person, scope="read_events")
    room_tokens = make_tokens(application, room)
    calendar = primary_calendar(room)
    hour = dt.timedelta(hours=1)
    event = make_event(calendar, START, START + hour, summary=f"{name} standup")
    make_event(
        calendar,
        START + 2 * hour,
        START + 3 * hour,
        summary=f"{name} maybe lunch",
        application=application,
        event_id=f"{name}-lunch",
        status=Event.Status.TENTATIVE,
    )
    raw_code = credentials.new_token()
    code = AuthorizationCode.objects.create(
        application=application,
        account=person,
        code_hash=credentials.hash_token(raw_code),
        redirect_uri="http://127.0.0.1:9/cb",
        scope="read_events",
        expires_at=START,
    )
    secret = application.secrets.get()
    grants = [person_tokens.grant, room_tokens.grant]
    raw_element_token = make_element_token(application, room, person)
    world = World()
    world.objects = {
        Application: application,
        ApplicationSecret: secret,
        Account: room,
        Profile: calendar.profile,
        Calendar: calendar,
        Event: event,
        Channel: channel_create(
            application=application, account=room, callback_url="http://127.0.0.1:9/hook"
        ),
        AvailablePeriod: make_available_period(room, START, START + 8 * hour),
        AvailabilityRule: make_rule(room),
        Grant: person_tokens.grant,
        AuthorizationCode: code,
        AccessToken: AccessToken.objects.filter(grant=person_tokens.grant).get(),
        RefreshToken: RefreshToken.objects.filter(grant=person_tokens.grant).get(),
        ElementToken: ElementToken.objects.get(application=application),
    }
    world.raw_secrets = [new_app.client_secret, raw_code, raw_element_token]
    for tokens in (person_tokens, room_tokens):
        world.raw_secrets += [tokens.access_token, tokens.refresh_token]
    world.stored_secrets = [
        secret.secret_hash,
        secret.secret_encrypted,
        code.code_hash,
        world.objects[ElementToken].token_hash,
    ]
    world.stored_secrets += AccessToken.objects.filter(grant__in=grants).values_list(
        "token_hash", flat=True
    )
    world.stored_secrets += RefreshToken.objects.filter(grant__in=grants).values_list(
        "token_hash", flat=True
    )
    return world


@pytest.fixture
def world() -> World:
    return build_world("Acme")


def changelist(model) -> str:
    return reverse(f"admin:scheduling_{model._meta.model_name}_changelist")


def change_page(obj) -> str:
    return reverse(f"admin:scheduling_{obj._meta.model_name}_change", args=[obj.pk])


def assert_shows_no_secret(world: World, html: str) -> None:
    for value in world.raw_secrets + world.stored_secrets:
        assert value not in html


def results(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_renders_rows_and_no_secret(admin_client, world, model):
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert world.objects[model] in results(response)
    assert_shows_no_secret(world, response.text)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_change_page_renders_and_shows_no_secret(admin_client, world, model):
    response = admin_client.get(change_page(world.objects[model]))
    assert response.status_code == 200
    assert_shows_no_secret(world, response.text)


def test_secret_and_token_prefixes_are_shown_cut_short(admin_client, world):
    secret = world.objects[ApplicationSecret]
    page = admin_client.get(change_page(world.objects[Application])).text
    assert f"{secret.secret_prefix}…" in page
    token = world.objects[AccessToken]
    assert f"{token.token_prefix}…" in admin_client.get(changelist(AccessToken)).text
    element_token = world.objects[ElementToken]
    page = admin_client.get(changelist(ElementToken)).text
    assert f"{element_token.token_prefix}…" in page
    assert world.objects[Account].sub in page


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, world, model):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(changelist(model)).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(3):
        build_world(f"More{n}")
    assert count_queries() == few


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        (Event, "acme standup", lambda w: [w.objects[Event]]),
        (Event, "Acme-lunch", lambda w: list(Event.objects.filter(event_id="Acme-lunch"))),
        (Event, "{event_uid}", lambda w: [w.objects[Event]]),
        (
            Event,
            "{calendar_id}",
            lambda w: list(Event.objects.filter(calendar=w.objects[Calendar])),
        ),
        (Account, "{sub}", lambda w: [w.objects[Account]]),
        (Application, "acme", lambda w: [w.objects[Application]]),
        (AccessToken, "{token_prefix}", lambda w: [w.objects[AccessToken]]),
        (ElementToken, "{element_token_prefix}", lambda w: [w.objects[ElementToken]]),
        (ApplicationSecret, "acme", lambda w: [w.objects[ApplicationSecret]]),
        (Calendar, "{calendar_id}", lambda w: [w.objects[Calendar]]),
    ],
)
def test_search_finds_only_matching_rows(admin_client, world, model, term, expected):
    build_world("Other")
    values = {
        "event_uid": world.objects[Event].event_uid,
        "calendar_id": world.objects[Calendar].calendar_id,
        "sub": world.objects[Account].sub,
        "token_prefix": world.objects[AccessToken].token_prefix,
        "element_token_prefix": world.objects[ElementToken].token_prefix,
    }
    response = admin_client.get(changelist(model), {"q": term.format(**values)})
    assert response.status_code == 200
    assert sorted(results(response), key=lambda row: row.pk) == sorted(
        expected(world), key=lambda row: row.pk
    )


@pytest.mark.parametrize("status", ["confirmed", "tentative"])
def test_event_list_filters_by_status(admin_client, world, status):
    build_world("Other")
    response = admin_client.get(changelist(Event), {"status__exact": status})
    assert response.status_code == 200
    shown = results(response)
    assert len(shown) == 2
    assert {event.status for event in shown} == {status}


@pytest.mark.parametrize(
    ("managed", "summary"), [("yes", "Acme maybe lunch"), ("no", "Acme standup")]
)
def test_event_list_filters_managed_and_external_events(admin_client, world, managed, summary):
    response = admin_client.get(changelist(Event), {"managed": managed})
    assert response.status_code == 200
    assert [event.summary for event in results(response)] == [summary]


def test_event_list_has_a_date_hierarchy_on_start(admin_client, world):
    response = admin_client.get(changelist(Event), {"start__year": "2023"})
    assert results(response) == []
    response = admin_client.get(changelist(Event), {"start__year": "2024", "start__month": "7"})
    assert len(results(response)) == 2
