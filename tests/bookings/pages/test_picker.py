"""GET /rts/{token} (the times, by day, in the visitor's zone) and POST /rts/{token}/none."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.pages.zones import COOKIE
from bookings.services.booking import scheduling_request_book
from bookings.services.scheduling_requests import scheduling_request_disable
from scheduling.models import Grant, OutgoingCallback
from scheduling.services.tokens import grant_revoke
from tests.api_helpers import at, period, z
from tests.bookings.factories import scheduling_body
from tests.bookings.pages.conftest import link_for
from tests.factories import make_event, make_tokens, make_user_account, primary_calendar

pytestmark = pytest.mark.django_db

CALLBACK = "http://127.0.0.1:9/rts-callbacks"


def days(response) -> list[tuple[str, list[str]]]:
    return [(day.label, [o.time for o in day.options]) for day in response.context["days"]]


def test_picker_shows_the_times_by_day_in_the_requests_zone_at_first(link, visitor):
    response = visitor.get(link.url())

    assert response.status_code == 200
    assert days(response) == [
        ("Monday 3 March 2025", ["09:00", "09:30", "10:00", "10:30", "11:00"])
    ]
    assert response.context["visitor"].tzid == "Europe/London"
    html = response.content.decode()
    assert 'data-chosen="false"' in html  # the script may detect the browser's zone
    assert COOKIE not in response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_picker_names_the_event_its_duration_and_the_participants(link, visitor):
    html = visitor.get(link.url()).content.decode()

    assert "<h1>Interview</h1>" in html
    assert "1 hour · with Ada and Grace" in html


def test_each_time_links_to_its_confirmation_in_the_zone_shown(link, visitor):
    html = visitor.get(link.url() + "?tz=Asia/Tokyo").content.decode()

    first = re.search(r'class="slot" href="([^"]+)" aria-label="([^"]+)">([^<]+)<', html)
    assert first.group(1).replace("&amp;", "&") == (
        f"{link.url('booking-confirm')}?start=2025-03-03T09%3A00%3A00Z&tz=Asia%2FTokyo"
    )
    assert first.group(2) == "Monday 3 March 2025, 18:00\u201319:00"
    assert first.group(3) == "18:00"


def test_a_chosen_zone_shows_its_times_and_is_remembered(link, visitor):
    response = visitor.get(link.url(), {"tz": "America/New_York"})

    assert days(response) == [
        ("Monday 3 March 2025", ["04:00", "04:30", "05:00", "05:30", "06:00"])
    ]
    assert response.cookies[COOKIE].value == "America/New_York"
    assert response.cookies[COOKIE]["path"] == "/rts/"
    assert response.cookies[COOKIE]["samesite"] == "Lax"
    assert 'data-chosen="true"' in response.content.decode()

    again = visitor.get(link.url())  # the cookie came back with this request

    assert again.context["visitor"].tzid == "America/New_York"
    assert again.context["visitor"].chosen
    assert days(again)[0][1][0] == "04:00"


def test_an_unknown_zone_is_ignored(link, visitor):
    response = visitor.get(link.url(), {"tz": "Mars/Olympus_Mons"})

    assert response.status_code == 200
    assert response.context["visitor"].tzid == "Europe/London"
    assert COOKIE not in response.cookies


def test_the_zone_list_holds_the_shown_zone_even_as_an_alias(link, visitor):
    html = visitor.get(link.url(), {"tz": "US/Eastern"}).content.decode()

    assert "<option selected>US/Eastern</option>" in html
    assert "<option>Europe/Paris</option>" in html
    assert html.count(" selected>") == 1


@pytest.mark.parametrize(
    ("tzid", "periods", "expected"),
    [
        (
            # London springs forward at 01:00 UTC on Sunday 30 March 2025.
            "Europe/London",
            [("2025-03-29T22:00:00Z", "2025-03-30T02:00:00Z"),
             ("2025-03-30T22:00:00Z", "2025-03-31T01:00:00Z")],
            [("Saturday 29 March 2025", ["22:00", "22:30", "23:00", "23:30"]),
             ("Sunday 30 March 2025", ["00:00", "00:30", "02:00", "23:00", "23:30"]),
             ("Monday 31 March 2025", ["00:00", "00:30", "01:00"])],
        ),
        (
            # New York springs forward at 07:00 UTC on Sunday 9 March 2025.
            "America/New_York",
            [("2025-03-09T04:00:00Z", "2025-03-09T08:00:00Z")],
            [("Saturday 8 March 2025", ["23:00", "23:30"]),
             ("Sunday 9 March 2025", ["00:00", "00:30", "01:00", "01:30", "03:00"])],
        ),
    ],
)  # fmt: skip
def test_days_are_the_visitors_local_days_across_a_dst_change(
    app_creds, people, visitor, tzid, periods, expected
):
    body = scheduling_body(people, periods=[{"start": s, "end": e} for s, e in periods])
    dst_link = link_for(app_creds.application, body)

    response = visitor.get(dst_link.url(), {"tz": tzid})

    assert days(response) == expected


def test_sequencing_options_show_every_steps_time_summary_and_participants(sequence_link, visitor):
    response = visitor.get(sequence_link.url(), {"tz": "Europe/Paris"})

    [first, *_] = response.context["days"][0].options
    assert first.time == "10:00"
    assert [(s.when, s.summary, s.names) for s in first.steps] == [
        ("10:00\u201311:00", "Step screen", "Ada"),
        ("11:00\u201312:00", "Step onsite", "Grace"),
    ]
    html = response.content.decode()
    assert "Step screen with Ada" in re.sub(r"<[^>]+>", "", html)
    assert "Step screen (1 hour), then Step onsite (1 hour)" in html


def test_a_group_needing_one_member_names_the_one_who_would_be_booked(app_creds, people, visitor):
    body = scheduling_body(people, required=1)
    one_link = link_for(app_creds.application, body)

    response = visitor.get(one_link.url("booking-confirm"), {"start": z(at(9))})

    assert [s.names for s in response.context["steps"]] == ["Ada"]


def test_no_times_shows_a_page_and_tells_the_integrator_once(app_creds, people, visitor):
    make_event(primary_calendar(people[1]), at(8), at(13))
    body = scheduling_body(people, callback_urls={"no_times_displayed_url": CALLBACK})
    empty = link_for(app_creds.application, body)

    first = visitor.get(empty.url())
    visitor.get(empty.url())

    assert first.status_code == 200
    html = first.content.decode()
    assert "There are no times available right now" in html
    assert "None of these times suit me" not in html
    [callback] = OutgoingCallback.objects.all()
    assert callback.url == CALLBACK
    body = json.loads(bytes(callback.body))
    assert body["notification"] == {"type": "no_times_displayed"}
    assert body["real_time_scheduling"]["real_time_scheduling_id"] == (
        empty.request.real_time_scheduling_id
    )


def test_none_suitable_tells_the_integrator_and_goes_back_to_the_times(app_creds, people):
    body = scheduling_body(people, callback_urls={"no_times_suitable_url": CALLBACK})
    suitable = link_for(app_creds.application, body)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(suitable.url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())

    response = visitor.post(
        suitable.url("booking-none-suitable"), {"csrfmiddlewaretoken": token.group(1)}
    )

    assert response.status_code == 302
    assert response["Location"] == suitable.url()
    [callback] = OutgoingCallback.objects.all()
    assert json.loads(bytes(callback.body))["notification"] == {"type": "no_times_suitable"}
    after = visitor.get(response["Location"])
    assert "none of these times suit you" in after.content.decode()
    assert len(days(after)[0][1]) == 5  # the times are still there


def test_none_suitable_needs_the_csrf_token(app_creds, people):
    body = scheduling_body(people, callback_urls={"no_times_suitable_url": CALLBACK})
    suitable = link_for(app_creds.application, body)

    response = Client(enforce_csrf_checks=True).post(suitable.url("booking-none-suitable"))

    assert response.status_code == 403
    assert not OutgoingCallback.objects.exists()


@pytest.mark.parametrize("name", ["booking-link", "booking-confirm", "booking-done"])
def test_a_forged_token_is_not_found(link, visitor, name):
    public_id = link.request.real_time_scheduling_id
    altered = link.token[:-1] + ("B" if link.token.endswith("A") else "A")
    for token in (f"{public_id}.forged", public_id, altered):
        response = visitor.get(link.url(name).replace(link.token, token))

        assert response.status_code == 404
        assert "This scheduling link is not valid" in response.content.decode()


def test_a_disabled_link_says_so_with_the_integrators_message(link, visitor):
    scheduling_request_disable(
        scheduling_request=link.request, display_message="The role has been filled, thank you."
    )

    response = visitor.get(link.url())

    assert response.status_code == 410
    html = response.content.decode()
    assert "This scheduling link is no longer available" in html
    assert "The role has been filled, thank you." in html
    assert 'class="slot"' not in html


def test_an_expired_link_says_so(link, visitor, clock):
    clock.move_to(at(12, day=link.request.expires_at.replace(hour=0)))

    response = visitor.get(link.url())

    assert response.status_code == 410
    assert "This scheduling link has expired" in response.content.decode()


def test_a_used_link_says_so_and_points_to_what_was_booked(link, visitor):
    scheduling_request_book(scheduling_request=link.request, starts=(at(10),), user_tzid="Etc/UTC")

    response = visitor.get(link.url())

    assert response.status_code == 410
    html = response.content.decode()
    assert "This scheduling link has already been used" in html
    assert f'href="{link.url("booking-done")}"' in html


def test_a_link_whose_participant_withdrew_says_it_is_not_available(app_creds, people, visitor):
    person = make_user_account()
    make_tokens(app_creds.application, person)
    withdrawn = link_for(app_creds.application, scheduling_body([people[0], person]))
    grant_revoke(grant=Grant.objects.get(account=person))

    for response in (
        visitor.get(withdrawn.url()),
        visitor.get(withdrawn.url("booking-confirm"), {"start": z(at(10))}),
        visitor.post(withdrawn.url("booking-confirm"), {"start": z(at(10)), "tz": "Etc/UTC"}),
    ):
        assert response.status_code == 410
        assert "This scheduling link is not available" in response.content.decode()
    assert withdrawn.refresh().booked_at is None


def test_the_picker_loads_nothing_from_another_host(link, visitor):
    html = visitor.get(link.url()).content.decode()

    sources = re.findall(r'(?:src|href|action)="([^"]*)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources


def test_the_picker_takes_the_same_queries_for_more_participants_and_options(
    app_creds, people, visitor
):
    small = link_for(app_creds.application, scheduling_body(people[:1], periods=[period(9, 10)]))
    large = link_for(app_creds.application, scheduling_body(people, periods=[period(9, 17)]))

    with CaptureQueriesContext(connection) as few:
        assert len(days(visitor.get(small.url()))[0][1]) == 1
    with CaptureQueriesContext(connection) as many:
        assert len(days(visitor.get(large.url()))[0][1]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_times_before_the_minimum_notice_are_not_offered(app_creds, people, visitor, clock):
    body = scheduling_body(people, minimum_notice={"hours": 2})
    notice = link_for(app_creds.application, body)
    clock.move_to(at(8))

    response = visitor.get(notice.url(), {"tz": "Etc/UTC"})

    assert days(response) == [("Monday 3 March 2025", ["10:00", "10:30", "11:00"])]
