"""/v2/projects/{id}/resources: list, add, replace, remove; in order, this application's only."""

import pytest

from bookings.models import ProjectResource
from scheduling.models import Account
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(app_creds) -> list[Account]:
    return [
        make_account(app_creds.application, kind=Account.Kind.RESOURCE, name=f"Room {n}")
        for n in range(3)
    ]


@pytest.fixture
def project(v2, rooms) -> dict:
    return v2.v2("POST", "/v2/projects", {"name": "Yoga", "resources": [rooms[1].sub]}).json()[
        "data"
    ]


def ids(response) -> list[str]:
    return [resource["id"] for resource in response.json()["data"]]


def test_list_answers_resource_objects_in_order(v2, project, rooms):
    response = v2.v2("GET", f"/v2/projects/{project['id']}/resources")
    assert response.status_code == 200
    assert response.json()["data"][0] == {
        "id": rooms[1].sub,
        "name": "Room 1",
        "email": rooms[1].email,
        "timezone": "Etc/UTC",
        "availability_constraints": [],
        "created_at": rooms[1].created_at.isoformat(),
        "updated_at": rooms[1].updated_at.isoformat(),
    }


def test_add_appends_a_list_or_one_resource_id(v2, project, rooms):
    path = f"/v2/projects/{project['id']}/resources"
    response = v2.v2("POST", path, {"resources": [rooms[2].sub]})
    assert response.status_code == 201
    assert ids(response) == [rooms[1].sub, rooms[2].sub]
    response = v2.v2("POST", path, {"resource_id": rooms[0].sub})
    assert ids(response) == [rooms[1].sub, rooms[2].sub, rooms[0].sub]
    project_data = v2.v2("GET", f"/v2/projects/{project['id']}").json()["data"]
    assert project_data["resources"] == [rooms[1].sub, rooms[2].sub, rooms[0].sub]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "resources"),
        ({"resource_id": "res_x", "resources": []}, "resources"),
        ({"resource_id": "res_missing"}, "resource_id"),
        ({"resources": ["res_missing"]}, "resources.0"),
    ],
)
def test_a_bad_add_is_a_422_and_changes_nothing(v2, project, rooms, body, field):
    response = v2.v2("POST", f"/v2/projects/{project['id']}/resources", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert ProjectResource.objects.count() == 1


def test_adding_a_resource_already_in_the_project_is_a_422(v2, project, rooms):
    body = {"resources": [rooms[0].sub, rooms[1].sub]}
    response = v2.v2("POST", f"/v2/projects/{project['id']}/resources", body)
    assert list(response.json()["errors"]) == ["resources.1"]
    assert ProjectResource.objects.count() == 1


def test_another_applications_resource_cannot_be_added(v2, project):
    foreign = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    body = {"resource_id": foreign.sub}
    response = v2.v2("POST", f"/v2/projects/{project['id']}/resources", body)
    assert list(response.json()["errors"]) == ["resource_id"]


def test_put_replaces_the_list_in_the_order_given(v2, project, rooms):
    path = f"/v2/projects/{project['id']}/resources"
    response = v2.v2("PUT", path, {"resources": [rooms[2].sub, rooms[0].sub]})
    assert response.status_code == 200
    assert ids(response) == [rooms[2].sub, rooms[0].sub]
    assert ids(v2.v2("PUT", path, {"resources": []})) == []


def test_delete_takes_one_resource_out(v2, project, rooms):
    path = f"/v2/projects/{project['id']}/resources"
    v2.v2("PUT", path, {"resources": [rooms[0].sub, rooms[1].sub, rooms[2].sub]})
    assert v2.v2("DELETE", f"{path}/{rooms[1].sub}").status_code == 204
    assert ids(v2.v2("GET", path)) == [rooms[0].sub, rooms[2].sub]
    assert Account.objects.filter(pk=rooms[1].pk).exists()


def test_deleting_a_resource_not_in_the_project_is_a_404(v2, project, rooms):
    path = f"/v2/projects/{project['id']}/resources/{rooms[0].sub}"
    assert v2.v2("DELETE", path).status_code == 404


def test_deleting_another_applications_resource_is_a_404(v2, project):
    foreign = make_account(make_application().application, kind=Account.Kind.RESOURCE)
    path = f"/v2/projects/{project['id']}/resources/{foreign.sub}"
    assert v2.v2("DELETE", path).status_code == 404


def test_list_costs_the_same_queries_for_one_resource_or_three(v2, project, rooms):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.availability import resource_constraints_set

    path = f"/v2/projects/{project['id']}/resources"
    for room in rooms:
        resource_constraints_set(resource=room, constraints=[{"block_weekends": {}}])
    with CaptureQueriesContext(connection) as one:
        v2.v2("GET", path)
    v2.v2("PUT", path, {"resources": [room.sub for room in rooms]})
    with CaptureQueriesContext(connection) as three:
        response = v2.v2("GET", path)
    assert [r["availability_constraints"] for r in response.json()["data"]] == [
        [{"block_weekends": {}}]
    ] * 3
    assert len(three) == len(one)
