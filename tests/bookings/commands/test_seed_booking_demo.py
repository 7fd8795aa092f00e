import json
from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Booking, Project, SchedulingRequest
from bookings.selectors.scheduling_requests import (
    scheduling_request_for_token,
    scheduling_request_options,
)
from tests.bookings.v2.conftest import basic
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db


def seed() -> dict:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_booking_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_demo_links_offer_times_in_both_kinds():
    tokens = seed()
    for kind in ("scheduling", "sequencing"):
        request = scheduling_request_for_token(token=tokens[kind])
        assert request.kind == kind
        assert scheduling_request_options(scheduling_request=request, now=FROZEN_NOW)


def test_a_second_run_disables_the_older_links():
    first = seed()
    second = seed()
    old = scheduling_request_for_token(token=first["scheduling"])
    assert old.status_at(FROZEN_NOW) == "disabled"
    assert SchedulingRequest.objects.filter(disabled_at=None).count() == 2
    assert second["widget_key"] == first["widget_key"]


def test_the_timekit_demo_pages_offer_times_and_a_class(client):
    demo = seed()
    page = client.get(demo["project"]).content.decode()
    assert page.count('class="slot"') > 10
    assert "Evening yoga" in client.get(demo["classes"]).content.decode()
    embed = client.get(
        f"/v2/projects/embed/{demo['project_id']}",
        HTTP_AUTHORIZATION=basic(demo["widget_key"]),
    )
    assert embed.json()["data"]["booking"]["graph"] == "instant"


def test_a_second_run_makes_no_second_project_or_class():
    seed()
    seed()
    assert Project.objects.count() == 1
    assert Booking.objects.filter(graph="group_owner").count() == 1
