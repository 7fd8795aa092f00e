"""booking.js's widget key: `Basic base64(":" + widget_key)`, allowed only on the widget's calls
(views with `widget_access`), with the embed and hosted reads as the widget makes them."""

import pytest

from bookings.models import Project
from bookings.services.widget_keys import widget_key_create, widget_key_rotate
from bookings.v2.permissions import is_widget_caller
from bookings.v2.projects import EMBED_UI_DEFAULTS
from bookings.v2.views import V2View, data
from scheduling.models import Account
from tests.bookings.v2.conftest import WIDGET_HEADERS, V2Client, basic
from tests.factories import make_application

pytestmark = pytest.mark.django_db


def embedded(project: dict) -> dict:
    """The project as stored, its UI over Timekit's defaults (booking.js needs its texts)."""
    keys = ("id", "slug", "name", "availability", "booking", "customer_fields", "resources")
    defaults = EMBED_UI_DEFAULTS
    return {key: project[key] for key in keys} | {"ui": {**defaults, **project["ui"]}}


def test_the_embed_fills_in_booking_js_texts_and_fields_a_project_leaves_out(widget, v2):
    body = {"name": "Bare", "ui": {"localization": {"submit_button": "Go"}}}
    bare = v2.v2("POST", "/v2/projects", body).json()["data"]
    embed = widget.v2("GET", f"/v2/projects/embed/{bare['id']}", **WIDGET_HEADERS).json()["data"]
    assert embed["ui"]["localization"]["submit_button"] == "Go"
    assert "%s" in embed["ui"]["localization"]["success_message"]
    assert set(embed["customer_fields"]) == {"name", "email"}


def test_embed_answers_what_booking_js_merges_into_its_config(widget, project):
    response = widget.v2("GET", f"/v2/projects/embed/{project['id']}", **WIDGET_HEADERS)
    assert response.status_code == 200
    assert response.json() == {"data": embedded(project)}
    assert response.json()["data"]["booking"] == {"graph": "instant", "action": "confirm"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Timekit-TestMode" in response["Access-Control-Expose-Headers"]


def test_hosted_answers_the_same_by_slug(widget, v2, project):
    for client in (widget, v2):
        response = client.v2("GET", "/v2/projects/hosted/flux", **WIDGET_HEADERS)
        assert response.json() == {"data": embedded(project)}


def test_the_api_key_reads_the_embed_too(v2, project):
    assert v2.v2("GET", f"/v2/projects/embed/{project['id']}").status_code == 200


def test_a_preflight_for_the_embed_allows_the_widgets_headers(anon_v2, project):
    response = anon_v2.options(
        f"/v2/projects/embed/{project['id']}",
        HTTP_ORIGIN="https://shop.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,timekit-context,timekit-timezone",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "timekit-context", "timekit-timezone"} <= allowed
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_another_applications_project_is_a_404_for_the_widget(widget):
    other = V2Client(make_application().client_secret)
    theirs = other.v2("POST", "/v2/projects", {"name": "Theirs", "slug": "theirs"}).json()
    assert widget.v2("GET", f"/v2/projects/embed/{theirs['data']['id']}").status_code == 404
    assert widget.v2("GET", "/v2/projects/hosted/theirs").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v2/projects", None),
        ("POST", "/v2/projects", {"name": "Widget's own"}),
        ("GET", "/v2/projects/{id}", None),
        ("PUT", "/v2/projects/{id}", {"name": "Renamed"}),
        ("DELETE", "/v2/projects/{id}", None),
        ("GET", "/v2/projects/{id}/resources", None),
        ("PUT", "/v2/projects/{id}/resources", {"resources": []}),
        ("GET", "/v2/resources", None),
        ("POST", "/v2/resources", {"name": "Widget's room"}),
    ],
)
def test_everything_else_is_a_403_for_the_widget(widget, project, method, path, body):
    response = widget.v2(method, path.format(id=project["id"]), body, **WIDGET_HEADERS)
    assert response.status_code == 403
    assert response.json() == {"error": "The widget key may not make this call; use the API key."}
    assert Project.objects.get().name == "Flux"
    assert Account.objects.filter(kind=Account.Kind.RESOURCE).count() == 1


def test_an_unknown_widget_key_is_a_401(anon_v2, widget, project):
    header = basic("widget_not-a-key")
    response = anon_v2.v2("GET", f"/v2/projects/embed/{project['id']}", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid widget key."}
    assert response["WWW-Authenticate"] == 'Basic realm="v2"'


def test_a_key_that_is_neither_is_still_a_401(anon_v2, project):
    header = basic("neither")
    response = anon_v2.v2("GET", f"/v2/projects/embed/{project['id']}", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key."}


def test_a_widget_key_of_an_inactive_application_is_a_401(widget, project, app_creds):
    app_creds.application.is_active = False
    app_creds.application.save(update_fields=["is_active"])
    assert widget.v2("GET", f"/v2/projects/embed/{project['id']}").status_code == 401


def test_failed_widget_keys_count_towards_the_rate_limit(anon_v2, widget, project, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": (3, 60)}
    path = f"/v2/projects/embed/{project['id']}"
    for bad in ("widget_a", "widget_b", "not_even_a_widget_key"):
        assert anon_v2.v2("GET", path, HTTP_AUTHORIZATION=basic(bad)).status_code == 401
    response = widget.v2("GET", path)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_rotated_key_replaces_the_old_one(app_creds, project):
    old = V2Client(widget_key_create(application=app_creds.application).key)
    new = V2Client(widget_key_rotate(application=app_creds.application).key)
    path = f"/v2/projects/embed/{project['id']}"
    assert old.v2("GET", path).status_code == 401
    assert new.v2("GET", path).status_code == 200


class WidgetPostOnly(V2View):
    """A view as the bookings views will be: its POST for the widget, its GET not."""

    widget_access = frozenset({"POST"})

    def get(self, request):
        return data({"widget": is_widget_caller(request)})

    def post(self, request):
        return data({"widget": is_widget_caller(request), "app": request.user.application.name})


def call(view_class, client: V2Client, method: str):
    from rest_framework.test import APIRequestFactory

    request = getattr(APIRequestFactory(), method.lower())(
        "/v2/x", HTTP_AUTHORIZATION=basic(client.key), format="json"
    )
    return view_class.as_view()(request)


def test_widget_access_may_name_methods_and_the_view_sees_the_kind_of_key(widget, v2, app_creds):
    assert call(WidgetPostOnly, widget, "POST").data == {
        "data": {"widget": True, "app": app_creds.application.name}
    }
    assert call(WidgetPostOnly, widget, "GET").status_code == 403
    assert call(WidgetPostOnly, v2, "GET").data == {"data": {"widget": False}}
