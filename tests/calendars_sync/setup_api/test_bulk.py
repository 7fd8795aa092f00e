import pytest

from scheduling.models import Account
from scheduling.services.accounts import resource_create
from tests.calendars_sync.setup_api.conftest import ROOM
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(setup_api) -> list[str]:
    return [
        setup_api.setup("POST", "resources", {**ROOM, "name": name}).json()["id"]
        for name in ("A", "B")
    ]


def test_bulk_updates_every_resource_in_order(setup_api, two):
    response = setup_api.setup(
        "PUT",
        "resources/bulk",
        [{"id": two[0], "name": "A2"}, {"id": two[1], "description": "second"}],
    )
    assert response.status_code == 200
    assert [(r["id"], r["name"], r["description"]) for r in response.json()] == [
        (two[0], "A2", ""),
        (two[1], "B", "second"),
    ]
    assert Account.objects.get(sub=two[0]).name == "A2"


def test_bulk_is_all_or_nothing_with_errors_by_index(setup_api, two):
    response = setup_api.setup(
        "PUT",
        "resources/bulk",
        [
            {"id": two[0], "name": "A2"},
            {
                "id": two[1],
                "options": {"googleCalendarId": "a@g.test", "outlookCalendarId": "b@o.test"},
            },
            {"id": "res_missing", "name": "C"},
        ],
    )
    assert response.status_code == 422
    assert response.json()["errors"].keys() == {"1.options.outlookCalendarId", "2.id"}
    assert Account.objects.get(sub=two[0]).name == "A"


def test_bulk_field_errors_are_keyed_by_index(setup_api, two):
    response = setup_api.setup(
        "PUT", "resources/bulk", [{"id": two[0]}, {"id": two[1], "email": "x"}]
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["1.email"]


def test_bulk_cannot_reach_another_applications_resource(setup_api, two):
    other = resource_create(
        application=make_application().application, name="Theirs", email="t@x.test"
    )
    response = setup_api.setup("PUT", "resources/bulk", [{"id": other.sub, "name": "Mine"}])
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["0.id"]
    assert Account.objects.get(pk=other.pk).name == "Theirs"


@pytest.mark.parametrize(
    ("body", "status"), [([], 422), ([{"name": "no id"}], 422), ({"id": "x"}, 400)]
)
def test_bulk_needs_an_array_of_resources_with_ids(setup_api, body, status):
    assert setup_api.setup("PUT", "resources/bulk", body).status_code == status
