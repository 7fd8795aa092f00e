"""GET/POST /rts/{token}/confirm: the pick spelled out, booking it, and where the visitor goes."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from bookings.pages.zones import COOKIE
from bookings.services.booking import scheduling_request_book
from bookings.services.scheduling_requests import scheduling_request_disable
from scheduling.models import Calendar, Event, OutgoingCallback
from tests.api_helpers import at, z
from tests.bookings.factories import scheduling_body, sequencing_body
from tests.bookings.pages.conftest import link_for
from tests.factories import primary_calendar

pytestmark = pytest.mark.django_db

THANKS = "http://127.0.0.1:9/thanks?from=rts"
OAUTH = {"redirect_uri": "http://127.0.0.1:9/oauth/done", "scope": "create_event", "state": "s-1"}


def confirm_form(visitor: Client, url: str, params: dict) -> dict:
    """The hidden fields of the confirmation page's form, as a browser would post them."""
    html = visitor.get(url, params).content.decode()
    form = html[html.index('<form method="post"') :]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    return fields


def times(response) -> list[str]:
    return [o.time for day in response.context["days"] for o in day.options]


def test_the_confirmation_spells_out_the_pick_in_the_visitors_zone(link, visitor):
    params = {"start": z(at(10)), "tz": "Pacific/Kiritimati"}

    response = visitor.get(link.url("booking-confirm"), params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Interview</h1>" in html
    assert "<h2>Tuesday 4 March 2025</h2>" in html  # 10:00 UTC is midnight at UTC+14
    assert [(s.when, s.names) for s in response.context["steps"]] == [
        ("00:00\u201301:00", "Ada and Grace")
    ]
    assert "Times in Pacific/Kiritimati." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="start" value="2025-03-03T10:00:00Z"' in html
    assert 'name="tz" value="Pacific/Kiritimati"' in html
    assert not Event.objects.filter(event_id="interview-1").exists()


def test_the_confirmation_of_a_sequence_lists_every_step(sequence_link, visitor):
    response = visitor.get(
        sequence_link.url("booking-confirm"), {"start": [z(at(9)), z(at(10))], "tz": "Etc/UTC"}
    )

    assert [(s.when, s.summary, s.names) for s in response.context["steps"]] == [
        ("09:00\u201310:00", "Step screen", "Ada"),
        ("10:00\u201311:00", "Step onsite", "Grace"),
    ]
    html = response.content.decode()
    assert html.count('name="start"') == 2


@pytest.mark.parametrize(
    "params",
    [{}, {"start": "tomorrow"}, {"start": "2025-03-03T10:00:00"}, {"start": [z(at(9))] * 11}],
)
def test_a_malformed_pick_shows_the_times_again(link, visitor, params):
    response = visitor.get(link.url("booking-confirm"), params)

    assert response.status_code == 400
    assert "Please pick one of the times below." in response.content.decode()
    assert len(times(response)) == 5


@pytest.mark.parametrize("start", [at(10.25), at(11.5), at(8)])
def test_a_time_not_offered_shows_the_times_still_free(link, visitor, start):
    response = visitor.get(link.url("booking-confirm"), {"start": z(start)})

    assert response.status_code == 409
    assert "taken meanwhile" in response.content.decode()
    assert times(response) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_confirming_books_and_shows_the_confirmation_page(link):
    visitor = Client(enforce_csrf_checks=True)
    url = link.url("booking-confirm")
    fields = confirm_form(visitor, url, {"start": z(at(10)), "tz": "America/New_York"})

    response = visitor.post(url, fields)

    assert response.status_code == 302
    assert response["Location"] == link.url("booking-done")
    event = Event.objects.get(calendar=primary_calendar(link.request.claims.first().account))
    assert (event.event_id, event.start, event.end) == ("interview-1", at(10), at(11))
    booked = link.refresh()
    assert booked.status_at(at(0)) == "completed"
    assert booked.outcome["user_tzid"] == "America/New_York"
    assert visitor.cookies[COOKIE].value == "America/New_York"


def test_an_unknown_zone_on_a_pick_is_ignored(link, visitor):
    response = visitor.get(link.url("booking-confirm"), {"start": z(at(10)), "tz": "Mars/Base"})

    assert response.status_code == 200
    assert response.context["visitor"].tzid == "Europe/London"


def test_confirming_needs_the_csrf_token(link):
    response = Client(enforce_csrf_checks=True).post(
        link.url("booking-confirm"), {"start": z(at(10)), "tz": "Etc/UTC"}
    )

    assert response.status_code == 403
    assert link.refresh().booked_at is None


def test_confirming_a_sequence_books_every_step(sequence_link, visitor):
    response = visitor.post(
        sequence_link.url("booking-confirm"), {"start": [z(at(9)), z(at(10))], "tz": "Etc/UTC"}
    )

    assert response.status_code == 302
    assert Event.objects.filter(start__in=[at(9), at(10)]).count() == 2
    assert [s["sequence_id"] for s in sequence_link.refresh().outcome["sequence"]] == [
        "screen",
        "onsite",
    ]


def test_after_booking_the_visitor_goes_to_the_completed_url_with_the_booking(
    app_creds, people, visitor
):
    body = scheduling_body(people, redirect_urls={"completed_url": THANKS}, oauth=OAUTH)
    redirecting = link_for(app_creds.application, body)

    response = visitor.post(
        redirecting.url("booking-confirm"), {"start": z(at(10)), "tz": "Etc/UTC"}
    )

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location._replace(query="").geturl() == "http://127.0.0.1:9/thanks"
    assert {k: v for k, v in parse_qs(location.query).items()} == {
        "from": ["rts"],
        "real_time_scheduling_id": [redirecting.request.real_time_scheduling_id],
        "start": ["2025-03-03T10:00:00Z"],
        "end": ["2025-03-03T11:00:00Z"],
    }


def test_a_sequence_redirects_with_its_first_start_and_last_end(app_creds, people, visitor):
    body = sequencing_body(people[0], people[1], redirect_urls={"completed_url": THANKS})
    redirecting = link_for(app_creds.application, body, kind="sequencing")

    response = visitor.post(
        redirecting.url("booking-confirm"), {"start": [z(at(9)), z(at(10))], "tz": "Etc/UTC"}
    )

    query = parse_qs(urlsplit(response["Location"]).query)
    assert (query["start"], query["end"]) == (["2025-03-03T09:00:00Z"], ["2025-03-03T11:00:00Z"])


def test_without_a_completed_url_the_visitor_goes_to_the_oauth_redirect_uri_with_state(
    app_creds, people, visitor
):
    redirecting = link_for(app_creds.application, scheduling_body(people, oauth=OAUTH))

    response = visitor.post(
        redirecting.url("booking-confirm"), {"start": z(at(10)), "tz": "Etc/UTC"}
    )

    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:9/oauth/done?state=s-1"


@pytest.mark.parametrize(
    ("extra", "form_action"),
    [
        (
            {"redirect_urls": {"completed_url": "https://app.example:8443/thanks"}},
            "form-action 'self' https://app.example:8443",
        ),
        (
            {"oauth": {"redirect_uri": "https://login.example/cb", "state": "x"}},
            "form-action 'self' https://login.example",
        ),
        ({}, "form-action 'self'"),
    ],
)
def test_the_confirmation_page_may_post_to_where_it_redirects(
    app_creds, people, visitor, extra, form_action
):
    redirecting = link_for(app_creds.application, scheduling_body(people, **extra))

    response = visitor.get(redirecting.url("booking-confirm"), {"start": z(at(10))})

    policy = response["Content-Security-Policy"].split("; ")
    assert [d for d in policy if d.startswith("form-action")] == [form_action]


def test_a_time_taken_meanwhile_shows_the_times_still_free(app_creds, people, visitor):
    first = link_for(app_creds.application, scheduling_body(people))
    second = link_for(app_creds.application, scheduling_body(people))
    fields = confirm_form(visitor, second.url("booking-confirm"), {"start": z(at(10))})
    scheduling_request_book(scheduling_request=first.request, starts=(at(10),), user_tzid="Etc/UTC")

    response = visitor.post(second.url("booking-confirm"), fields)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Sorry, that time was taken meanwhile" in html
    assert 'role="alert"' in html
    assert times(response) == ["09:00", "11:00"]  # 09:30 to 10:30 overlap 10:00-11:00
    assert second.refresh().booked_at is None


def test_a_link_used_meanwhile_says_so(link, visitor):
    fields = confirm_form(visitor, link.url("booking-confirm"), {"start": z(at(10))})
    visitor.post(link.url("booking-confirm"), fields)

    again = visitor.post(link.url("booking-confirm"), {"start": z(at(11)), "tz": "Etc/UTC"})

    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert Event.objects.filter(event_id="interview-1").count() == 1


def test_a_target_calendar_deleted_meanwhile_makes_the_link_unavailable(link, visitor, people):
    fields = confirm_form(visitor, link.url("booking-confirm"), {"start": z(at(10))})
    Calendar.objects.filter(pk=primary_calendar(people[0]).pk).update(deleted=True)

    response = visitor.post(link.url("booking-confirm"), fields)

    assert response.status_code == 410
    assert "This scheduling link is not available" in response.content.decode()
    assert link.refresh().booked_at is None


def test_a_link_disabled_meanwhile_says_so(link, visitor):
    fields = confirm_form(visitor, link.url("booking-confirm"), {"start": z(at(10))})
    scheduling_request_disable(scheduling_request=link.request, display_message="Cancelled.")

    response = visitor.post(link.url("booking-confirm"), fields)

    assert response.status_code == 410
    assert "Cancelled." in response.content.decode()
    assert not Event.objects.filter(event_id="interview-1").exists()


def test_booking_queues_the_completed_callback(app_creds, people, visitor):
    callback = "http://127.0.0.1:9/completed"
    body = scheduling_body(people, callback_urls={"completed_url": callback})
    calling = link_for(app_creds.application, body)

    visitor.post(calling.url("booking-confirm"), {"start": z(at(10)), "tz": "Asia/Tokyo"})

    [queued] = OutgoingCallback.objects.all()
    assert queued.url == callback
    sent = json.loads(bytes(queued.body))
    assert sent["event"]["start"] == {"time": "2025-03-03T10:00:00Z", "tzid": "Europe/London"}
    assert sent["user"] == {"tzid": "Asia/Tokyo"}
