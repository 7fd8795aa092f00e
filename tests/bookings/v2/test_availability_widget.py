"""booking.js asks POST /v2/availability with the widget key: for a project of its application,
and that project's resources only."""

import pytest

from bookings.services.projects import project_create
from scheduling.models import Account
from tests.bookings.v2.conftest import WIDGET_HEADERS
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db


def ask(widget, body):
    return widget.v2("POST", "/v2/availability", body, **WIDGET_HEADERS)


def test_the_widget_gets_its_projects_slots(widget, project):
    body = {
        "project_id": project["id"],
        "output_timezone": "Europe/Paris",
        "resources": project["resources"],
    }
    response = ask(widget, body)
    assert response.status_code == 200
    slots = response.json()["data"]
    assert slots
    assert {r["id"] for s in slots for r in s["resources"]} == set(project["resources"])
    assert slots[0]["start"].endswith(("+01:00", "+02:00"))


def test_the_widget_must_name_a_project(widget, project):
    response = ask(widget, {"resources": project["resources"]})
    assert response.status_code == 422
    assert "project_id" in response.json()["errors"]


def test_the_widget_may_not_ask_about_other_resources(widget, project, app_creds):
    other = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    response = ask(widget, {"project_id": project["id"], "resources": [other.sub]})
    assert response.status_code == 422
    assert "resources.0" in response.json()["errors"]


def test_another_applications_project_is_a_422_for_the_widget(widget):
    stranger = make_application().application
    theirs = project_create(application=stranger, name="Theirs")
    response = ask(widget, {"project_id": str(theirs.project_id)})
    assert response.status_code == 422
    assert "project_id" in response.json()["errors"]
