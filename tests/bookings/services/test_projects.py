"""The project services: resources in order and of the project's application, slugs unique,
resource-list writes locked on the project."""

import datetime as dt

import pytest

from bookings.models import Project, ProjectResource
from bookings.selectors.timekit import project_resources
from bookings.services.projects import (
    project_create,
    project_delete,
    project_resource_remove,
    project_resources_add,
    project_resources_set,
    project_update,
)
from scheduling.errors import ValidationFailed
from scheduling.models import Account
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(app_creds) -> list[Account]:
    return [
        make_account(app_creds.application, kind=Account.Kind.RESOURCE, name=f"Room {n}")
        for n in range(3)
    ]


def subs(project: Project) -> list[str]:
    return [account.sub for account in project_resources(project=project)]


def test_create_keeps_the_resources_order_and_stamps_now(app_creds, rooms):
    order = [rooms[2].sub, rooms[0].sub, rooms[1].sub]
    project = project_create(
        application=app_creds.application, name="Yoga", resource_ids=order, now=FROZEN_NOW
    )
    assert subs(project) == order
    assert project.created_at == project.updated_at == FROZEN_NOW


def test_a_derived_slug_skips_taken_ones_of_any_application(app_creds):
    project_create(application=make_application().application, name="Yoga")
    project_create(application=app_creds.application, name="Yoga", slug="yoga-2")
    assert project_create(application=app_creds.application, name="Yoga").slug == "yoga-3"


def test_a_name_without_slug_characters_gets_a_generic_slug(app_creds):
    assert project_create(application=app_creds.application, name="¿¿??").slug == "project"


def test_a_long_name_makes_a_slug_that_fits(app_creds):
    project = project_create(application=app_creds.application, name="a" * 200)
    assert len(project.slug) <= 100


def test_a_taken_slug_is_refused(app_creds):
    project_create(application=app_creds.application, name="One", slug="one")
    with pytest.raises(ValidationFailed) as raised:
        project_create(application=app_creds.application, name="Two", slug="one")
    assert list(raised.value.errors) == ["slug"]


def test_update_with_none_changes_nothing_but_the_stamp(app_creds, rooms):
    project = project_create(
        application=app_creds.application,
        name="Yoga",
        resource_ids=[rooms[0].sub],
        ui={"display_name": "Y"},
        now=FROZEN_NOW,
    )
    later = FROZEN_NOW + dt.timedelta(minutes=5)
    updated = project_update(project=project, now=later)
    assert (updated.name, updated.ui, subs(updated)) == (
        "Yoga",
        {"display_name": "Y"},
        [rooms[0].sub],
    )
    assert updated.updated_at == later


def test_add_appends_after_the_last_position(app_creds, rooms):
    project = project_create(
        application=app_creds.application, name="Y", resource_ids=[rooms[1].sub]
    )
    project_resource_remove(project=project, resource=rooms[1])
    project_resources_add(project=project, resource_ids=[rooms[2].sub, rooms[0].sub])
    project_resources_add(project=project, resource_ids=[rooms[1].sub])
    assert subs(project) == [rooms[2].sub, rooms[0].sub, rooms[1].sub]


def test_set_replaces_and_remove_reports_absence(app_creds, rooms):
    project = project_create(
        application=app_creds.application, name="Y", resource_ids=[rooms[0].sub]
    )
    project_resources_set(project=project, resource_ids=[rooms[1].sub])
    assert subs(project) == [rooms[1].sub]
    assert project_resource_remove(project=project, resource=rooms[0]) is False
    assert project_resource_remove(project=project, resource=rooms[1]) is True
    assert subs(project) == []


def test_resources_of_another_application_are_refused_by_index(app_creds, rooms):
    foreign = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    project = project_create(application=app_creds.application, name="Y")
    with pytest.raises(ValidationFailed) as raised:
        project_resources_set(project=project, resource_ids=[rooms[0].sub, foreign.sub])
    assert list(raised.value.errors) == ["resources.1"]
    assert not ProjectResource.objects.exists()


def test_resource_list_queries_do_not_grow_with_the_list(app_creds, django_assert_num_queries):
    many = [make_account(app_creds.application, kind=Account.Kind.RESOURCE) for _ in range(6)]
    project = project_create(application=app_creds.application, name="Y")
    with django_assert_num_queries(7) as one:
        project_resources_set(project=project, resource_ids=[many[0].sub])
    with django_assert_num_queries(len(one.captured_queries)):
        project_resources_set(project=project, resource_ids=[r.sub for r in many])


def test_delete_removes_the_resource_list(app_creds, rooms):
    project = project_create(
        application=app_creds.application, name="Y", resource_ids=[rooms[0].sub]
    )
    project_delete(project=project)
    assert not Project.objects.exists()
    assert not ProjectResource.objects.exists()
