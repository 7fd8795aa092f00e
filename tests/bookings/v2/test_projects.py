"""/v2/projects: CRUD, the settings' shapes, resources in order, slugs, isolation."""

import pytest

from bookings.models import Booking, Project, ProjectResource
from scheduling.models import Account
from tests.bookings.classes import make_class
from tests.bookings.v2.conftest import V2Client
from tests.clock import FROZEN_NOW
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

AVAILABILITY = {
    "mode": "roundrobin_random",
    "length": "30 minutes",
    "buffer": "15 minutes",
    "from": "now",
    "to": "4 weeks",
    "constraints": [{"allow_hours": {"start": 9, "end": 17}}],
    "output_timezone": "Europe/Paris",
}
BOOKING = {
    "graph": "confirm_decline",
    "action": "create",
    "what": "Consultation",
    "settings": {"allow_double_bookings": False, "min_booking_time": "2 hours"},
}
CUSTOMER_FIELDS = {
    "name": {"title": "Your name", "prefilled": "Marty"},
    "email": {"title": "E-mail", "readonly": True},
    "comment": {"title": "Anything else?", "format": "textarea", "required": False},
    "shoe_size": {"title": "Shoe size", "format": "select", "enum": ["S", "M", "L"]},
}
UI = {"display_name": "Doc Brown", "availability_view": "agendaWeek", "show_credits": False}


def resource_id(app_creds, name="Room") -> str:
    return make_account(app_creds.application, kind=Account.Kind.RESOURCE, name=name).sub


def create(v2, **fields):
    body = {"name": "Yoga class", **fields}
    return v2.v2("POST", "/v2/projects", body)


def test_create_stores_the_settings_and_answers_timekits_project(v2, app_creds):
    first, second = resource_id(app_creds, "B"), resource_id(app_creds, "A")
    response = create(
        v2,
        resources=[first, second],
        availability=AVAILABILITY,
        availability_constraints=[{"block_weekends": {}}],
        booking=BOOKING,
        customer_fields=CUSTOMER_FIELDS,
        ui=UI,
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Yoga class"
    assert data["slug"] == "yoga-class"
    assert data["resources"] == [first, second]
    assert data["availability"] == AVAILABILITY
    assert data["availability_constraints"] == [{"block_weekends": {}}]
    assert data["booking"] == BOOKING
    assert data["customer_fields"] == CUSTOMER_FIELDS
    assert data["ui"] == UI
    assert data["created_at"] == data["updated_at"]
    assert data["created_at"].startswith(FROZEN_NOW.date().isoformat())
    project = Project.objects.get(project_id=data["id"])
    assert project.application == app_creds.application
    assert v2.v2("GET", f"/v2/projects/{data['id']}").json() == {"data": data}


def test_a_project_with_only_a_name_has_empty_settings(v2):
    data = create(v2).json()["data"]
    assert [data[k] for k in ("resources", "availability", "availability_constraints")] == [
        [],
        {},
        [],
    ]
    assert [data[k] for k in ("booking", "customer_fields", "ui")] == [{}, {}, {}]


@pytest.mark.parametrize(
    ("graph", "action"),
    [("instant", "confirm"), ("confirm_decline", "create"), ("group_customer", "create")],
)
def test_the_graphs_first_action_is_filled_in(v2, graph, action):
    data = create(v2, booking={"graph": graph}).json()["data"]
    assert data["booking"] == {"graph": graph, "action": action}


def test_unknown_settings_keys_are_left_out(v2):
    data = create(v2, availability={"length": "1 hour", "colour": "red"}).json()["data"]
    assert data["availability"] == {"length": "1 hour"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"slug": "no spaces"}, "slug"),
        ({"resources": "res_1"}, "resources"),
        ({"availability": []}, "availability"),
        ({"availability": {"mode": "random"}}, "availability.mode"),
        ({"availability": {"length": "30 mins"}}, "availability.length"),
        ({"availability": {"length": 30}}, "availability.length"),
        ({"availability": {"buffer": "soon"}}, "availability.buffer"),
        ({"availability": {"from": "yesterday"}}, "availability.from"),
        ({"availability": {"to": "2025-02-31T10:00:00Z"}}, "availability.to"),
        ({"availability": {"constraints": [{"allow_all": {}}]}}, "availability.constraints.0"),
        ({"availability": {"output_timezone": "Mars/Base"}}, "availability.output_timezone"),
        (
            {"availability_constraints": [{"allow_hours": 9}]},
            "availability_constraints.0.allow_hours",
        ),
        ({"booking": {"action": "create"}}, "booking.graph"),
        ({"booking": {"graph": "instant_payment"}}, "booking.graph"),
        ({"booking": {"graph": "instant", "action": "create"}}, "booking.action"),
        (
            {"booking": {"graph": "group_owner", "settings": {"max_seats": 0}}},
            "booking.settings.max_seats",
        ),
        (
            {"booking": {"graph": "instant", "settings": {"allow_double_bookings": "yes"}}},
            "booking.settings.allow_double_bookings",
        ),
        ({"customer_fields": []}, "customer_fields"),
        ({"customer_fields": {"Shoe Size": {}}}, "customer_fields.Shoe Size"),
        ({"customer_fields": {"name": "Name"}}, "customer_fields.name"),
        ({"customer_fields": {"size": {"format": "select"}}}, "customer_fields.size.enum"),
        (
            {"customer_fields": {"size": {"format": "text", "enum": ["a"]}}},
            "customer_fields.size.enum",
        ),
        ({"customer_fields": {"size": {"format": "radio"}}}, "customer_fields.size.format"),
        ({"customer_fields": {"size": {"required": 1}}}, "customer_fields.size.required"),
        ({"customer_fields": {"size": {"prefilled": ["a"]}}}, "customer_fields.size.prefilled"),
        ({"ui": "dark"}, "ui"),
        ({"ui": {"display_name": 5}}, "ui.display_name"),
        ({"ui": {"deep": {"a": {"b": {"c": 1}}}}}, "ui.deep"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_creates_nothing(v2, body, field):
    response = v2.v2("POST", "/v2/projects", {"name": "Yoga", **body})
    assert response.status_code == 422
    # A value that is not an object at all is the object's `base` error.
    assert set(response.json()["errors"]) <= {field, f"{field}.base"}
    assert not Project.objects.exists()


def test_ui_takes_nested_plain_values(v2):
    ui = {"localization": {"strings": {"submitText": "Book it"}}, "display_name": "Doc"}
    assert create(v2, ui=ui).json()["data"]["ui"] == ui


def test_a_resource_of_another_application_is_a_422_naming_its_index(v2, app_creds):
    other = make_application()
    foreign = make_account(other.application, kind=Account.Kind.RESOURCE).sub
    mine = resource_id(app_creds)
    response = create(v2, resources=[mine, foreign, "res_missing"])
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"resources.1", "resources.2"}
    assert not Project.objects.exists()


def test_a_resource_listed_twice_is_a_422(v2, app_creds):
    mine = resource_id(app_creds)
    response = create(v2, resources=[mine, mine])
    assert list(response.json()["errors"]) == ["resources.1"]


def test_a_calendar_account_is_no_resource(v2, app_creds):
    calendar_account = make_account(app_creds.application).sub
    assert create(v2, resources=[calendar_account]).status_code == 422


def test_slugs_derive_from_the_name_and_stay_unique(v2):
    slugs = [create(v2, name="Yoga Class!").json()["data"]["slug"] for _ in range(3)]
    assert slugs == ["yoga-class", "yoga-class-2", "yoga-class-3"]


def test_a_taken_slug_is_a_422_even_in_another_application(v2):
    other = V2Client(make_application().client_secret)
    assert create(other, slug="yoga").status_code == 201
    response = create(v2, slug="yoga")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["slug"]
    assert Project.objects.count() == 1


def test_list_answers_the_applications_projects_in_creation_order(v2):
    first = create(v2, name="One").json()["data"]
    second = create(v2, name="Two").json()["data"]
    create(V2Client(make_application().client_secret), name="Theirs")
    assert v2.v2("GET", "/v2/projects").json() == {"data": [first, second]}


def test_list_queries_are_constant(v2, app_creds, django_assert_num_queries):
    resources = [resource_id(app_creds, f"R{n}") for n in range(3)]
    create(v2, name="P", resources=resources[:1])
    # the rate limit's cache, the key, the projects, their resources with their accounts
    with django_assert_num_queries(4):
        v2.v2("GET", "/v2/projects")
    for n in range(1, 5):
        create(v2, name=f"P{n}", resources=resources[: n % 3 + 1])
    with django_assert_num_queries(4):
        response = v2.v2("GET", "/v2/projects")
    assert [len(p["resources"]) for p in response.json()["data"]] == [1, 2, 3, 1, 2]


def test_update_changes_what_is_given(v2, app_creds, clock):
    created = create(v2, ui=UI, booking=BOOKING).json()["data"]
    clock.shift(60)
    room = resource_id(app_creds)
    response = v2.v2(
        "PUT",
        f"/v2/projects/{created['id']}",
        {"name": "Pilates", "slug": "pilates", "resources": [room], "ui": {"display_name": "X"}},
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["name"], data["slug"], data["resources"]) == ("Pilates", "pilates", [room])
    assert data["ui"] == {"display_name": "X"}
    assert data["booking"] == BOOKING
    assert data["updated_at"] > data["created_at"]


def test_a_bad_update_changes_nothing(v2, app_creds):
    created = create(v2, resources=[resource_id(app_creds)]).json()["data"]
    create(v2, name="Other", slug="taken")
    path = f"/v2/projects/{created['id']}"
    for body in (
        {"name": "New", "slug": "taken"},
        {"name": "New", "resources": ["res_nope"]},
        {"name": "New", "booking": {"graph": "nope"}},
    ):
        assert v2.v2("PUT", path, body).status_code == 422
    assert v2.v2("GET", path).json() == {"data": created}


def test_an_update_may_keep_its_own_slug(v2):
    created = create(v2, slug="mine").json()["data"]
    response = v2.v2("PUT", f"/v2/projects/{created['id']}", {"slug": "mine"})
    assert response.status_code == 200


def test_delete_removes_the_project_and_keeps_its_bookings(v2, app_creds):
    room = make_account(app_creds.application, kind=Account.Kind.RESOURCE)
    created = create(v2, resources=[room.sub]).json()["data"]
    klass = make_class(app_creds, room)
    Booking.objects.filter(pk=klass.pk).update(project=Project.objects.get())
    path = f"/v2/projects/{created['id']}"
    assert v2.v2("DELETE", path).status_code == 204
    assert v2.v2("GET", path).status_code == 404
    assert not ProjectResource.objects.exists()
    klass.refresh_from_db()
    assert klass.project is None
    assert Account.objects.filter(pk=room.pk).exists()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PUT", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("GET", "/resources", None),
        ("POST", "/resources", {"resources": []}),
        ("PUT", "/resources", {"resources": []}),
        ("GET", "/embed", None),
    ],
)
def test_another_applications_project_is_a_404(v2, method, suffix, body):
    theirs = create(V2Client(make_application().client_secret)).json()["data"]
    if suffix == "/embed":
        path = f"/v2/projects/embed/{theirs['id']}"
    else:
        path = f"/v2/projects/{theirs['id']}{suffix}"
    response = v2.v2(method, path, body)
    assert response.status_code == 404
    assert response.json() == {"error": "Project not found."}
    assert Project.objects.get().name == "Yoga class"


def test_another_applications_slug_is_a_404(v2):
    create(V2Client(make_application().client_secret), slug="theirs")
    assert v2.v2("GET", "/v2/projects/hosted/theirs").status_code == 404


@pytest.mark.parametrize("project_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_missing_project_is_a_404(v2, project_id):
    assert v2.v2("GET", f"/v2/projects/{project_id}").status_code == 404


def test_paths_answer_with_a_trailing_slash_and_post_is_not_redirected(v2):
    response = v2.v2("POST", "/v2/projects/", {"name": "Slash"})
    assert response.status_code == 201
    project_id = response.json()["data"]["id"]
    assert v2.v2("GET", f"/v2/projects/{project_id}/").status_code == 200
    assert v2.v2("GET", f"/v2/projects/embed/{project_id}/").status_code == 200
    assert v2.v2("GET", "/v2/projects/hosted/slash/").status_code == 200


@pytest.mark.parametrize(
    ("availability", "field"),
    [
        ({"length": "0 minutes"}, "availability.length"),
        ({"buffer": "2 days"}, "availability.buffer"),
    ],
)
def test_a_project_stores_only_availability_its_availability_accepts(v2, availability, field):
    response = v2.v2("POST", "/v2/projects", {"name": "Bounds", "availability": availability})
    assert response.status_code == 422
    assert field in response.json()["errors"]
