"""Links for the page tests: two people, a request for both, and its URLs."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from bookings.links import link_token
from bookings.models import SchedulingRequest
from tests.bookings.factories import make_scheduling_request, scheduling_body, sequencing_body
from tests.factories import make_account


@dataclass
class Link:
    request: SchedulingRequest
    token: str

    def url(self, name: str = "booking-link") -> str:
        return reverse(name, args=[self.token])

    def refresh(self) -> SchedulingRequest:
        self.request.refresh_from_db()
        return self.request


def link_for(application, body: dict, kind: str = "scheduling") -> Link:
    request = make_scheduling_request(application, body, kind=kind)
    return Link(request, link_token(request.real_time_scheduling_id))


@pytest.fixture
def people(app_creds):
    return [make_account(app_creds.application, name=name) for name in ("Ada", "Grace")]


@pytest.fixture
def link(app_creds, people) -> Link:
    """Monday 09:00-12:00 UTC, 60 minutes on the half hour: 09:00, 09:30, ... 11:00."""
    return link_for(app_creds.application, scheduling_body(people))


@pytest.fixture
def sequence_link(app_creds, people) -> Link:
    return link_for(app_creds.application, sequencing_body(people[0], people[1]), kind="sequencing")


@pytest.fixture
def visitor(db) -> Client:
    return Client()
