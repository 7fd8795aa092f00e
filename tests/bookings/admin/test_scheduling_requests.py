"""Scheduling requests in the admin: read-only, listed with status, booked time, outcome and the
callback's delivery; filtered by status and kind; searched by id, event id and summary; the
detail shows the stored request, the outcome, the claimed slots and every callback attempt."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.admin import SchedulingRequestAdmin
from bookings.links import link_token
from bookings.models import SchedulingRequest
from bookings.services.booking import scheduling_request_book
from bookings.services.scheduling_requests import scheduling_request_disable
from scheduling.services.callbacks import callback_deliver
from tests.bookings.factories import make_scheduling_request, scheduling_body, sequencing_body
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

BOOKED = dt.datetime(2025, 3, 5, 10, tzinfo=dt.UTC)
CHANGELIST = reverse("admin:bookings_schedulingrequest_changelist")


def change_page(request: SchedulingRequest) -> str:
    return reverse("admin:bookings_schedulingrequest_change", args=[request.pk])


def results(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


@pytest.fixture
def requests_by_status(app_creds, people, receiver):
    """One request in each status; the completed one's callback failed once (HTTP 500)."""
    application = app_creds.application
    completed_url = {"completed_url": receiver.url}
    made = {
        status: make_scheduling_request(
            application,
            scheduling_body(people, periods=[period], callback_urls=completed_url),
        )
        for status, period in [
            ("enabled", {"start": "2025-03-03T09:00:00Z", "end": "2025-03-03T12:00:00Z"}),
            ("disabled", {"start": "2025-03-04T09:00:00Z", "end": "2025-03-04T12:00:00Z"}),
            ("completed", {"start": "2025-03-05T09:00:00Z", "end": "2025-03-05T12:00:00Z"}),
            ("expired", {"start": "2025-02-20T09:00:00Z", "end": "2025-02-20T12:00:00Z"}),
        ]
    }
    scheduling_request_disable(scheduling_request=made["disabled"], display_message="Filled")
    made["completed"] = scheduling_request_book(
        scheduling_request=made["completed"],
        starts=(BOOKED,),
        user_tzid="Europe/Paris",
    )
    receiver.status = 500
    callback_deliver(callback_id=made["completed"].callback_id)
    receiver.status = 200
    return made


def test_the_list_shows_status_booked_time_outcome_and_callback_state(
    admin_client, requests_by_status, people
):
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert set(results(response)) == set(requests_by_status.values())
    rows = {row.real_time_scheduling_id: row for row in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    for status, request in requests_by_status.items():
        assert admin.status(rows[request.real_time_scheduling_id]) == status
    completed = rows[requests_by_status["completed"].real_time_scheduling_id]
    assert admin.booked_time(completed) == "2025-03-05T10:00:00Z to 2025-03-05T11:00:00Z"
    assert admin.outcome_summary(completed) == f"1 event(s) with {people[0].sub}, {people[1].sub}"
    assert admin.callback_state(completed) == "pending (1 attempt(s))"
    assert "2025-03-05T10:00:00Z to 2025-03-05T11:00:00Z" in response.text
    assert "pending (1 attempt(s))" in response.text


@pytest.mark.parametrize("status", ["enabled", "disabled", "completed", "expired"])
def test_the_status_filter_agrees_with_the_status(admin_client, requests_by_status, status):
    response = admin_client.get(CHANGELIST, {"status": status})
    assert results(response) == [requests_by_status[status]]


def test_the_kind_filter(admin_client, app_creds, people, requests_by_status):
    sequencing = make_scheduling_request(
        app_creds.application, sequencing_body(*people), kind="sequencing"
    )
    response = admin_client.get(CHANGELIST, {"kind__exact": "sequencing"})
    assert results(response) == [sequencing]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("{id}", "enabled"),
        ("interview-1", "all"),
        ("INTERVIEW", "all"),  # the summary, by substring
        ("Acme", "all"),  # the application's name
        ("sch_", "none"),  # ids only exactly
    ],
)
def test_search(admin_client, requests_by_status, term, expected):
    other = make_application("Other business")
    make_scheduling_request(
        other.application,
        {
            **scheduling_body([make_account(other.application)]),
            "event": {"event_id": "call-9", "summary": "Call"},
        },
    )
    term = term.format(id=requests_by_status["enabled"].real_time_scheduling_id)

    found = set(results(admin_client.get(CHANGELIST, {"q": term})))

    assert (
        found
        == {
            "enabled": {requests_by_status["enabled"]},
            "all": set(requests_by_status.values()),
            "none": set(),
        }[expected]
    )


def test_the_detail_shows_spec_outcome_claims_and_callback_attempts(
    admin_client, app_creds, requests_by_status, people
):
    completed = requests_by_status["completed"]

    page = admin_client.get(change_page(completed))

    assert page.status_code == 200
    html = page.text
    assert "&quot;summary&quot;: &quot;Interview&quot;" in html  # the spec
    assert "&quot;user_tzid&quot;: &quot;Europe/Paris&quot;" in html  # the outcome
    assert html.count(people[0].sub) >= 2  # in the outcome and a claimed slot
    claims = page.context["inline_admin_formsets"][0].formset.queryset
    assert [(c.account, c.start, c.end) for c in claims] == [
        (person, BOOKED, BOOKED + dt.timedelta(hours=1)) for person in people
    ]
    callback_admin = reverse(
        "admin:scheduling_outgoingcallback_change", args=[completed.callback_id]
    )
    assert f'href="{callback_admin}"' in html
    assert "Will be retried HTTP 500" in html
    assert link_token(completed.real_time_scheduling_id) not in html
    assert app_creds.client_secret not in html


def test_a_disabled_requests_detail_shows_its_message(admin_client, requests_by_status):
    page = admin_client.get(change_page(requests_by_status["disabled"]))
    assert "Filled" in page.text


def test_requests_are_read_only(admin_client, requests_by_status):
    request = requests_by_status["enabled"]
    response = admin_client.post(change_page(request), {"display_message": "changed"})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:bookings_schedulingrequest_add")).status_code == 403
    delete = reverse("admin:bookings_schedulingrequest_delete", args=[request.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SchedulingRequest.objects.filter(pk=request.pk, display_message="").exists()


def test_list_queries_do_not_grow_with_rows(admin_client, app_creds, people, requests_by_status):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(3):
        other = make_application()
        make_scheduling_request(
            other.application, scheduling_body([make_account(other.application)])
        )
    assert count_queries() == few


def test_the_list_sorts_by_booked_time(admin_client, app_creds, people, requests_by_status):
    later = make_scheduling_request(
        app_creds.application,
        scheduling_body(
            people, periods=[{"start": "2025-03-06T09:00:00Z", "end": "2025-03-06T12:00:00Z"}]
        ),
    )
    scheduling_request_book(
        scheduling_request=later, starts=(BOOKED + dt.timedelta(days=1),), user_tzid="Etc/UTC"
    )
    column = 1 + SchedulingRequestAdmin.list_display.index("booked_time")

    booked = [r for r in results(admin_client.get(CHANGELIST, {"o": f"-{column}"})) if r.outcome]

    assert booked == [later, requests_by_status["completed"]]
