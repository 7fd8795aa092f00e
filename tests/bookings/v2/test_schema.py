"""/v2 in the OpenAPI schema: one operation per path (the trailing-slash twins are left out),
Timekit's Basic scheme, the {data} envelope and Timekit's error statuses."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "/v2/resources": {"get", "post"},
    "/v2/resources/{resource_id}": {"get", "put", "delete"},
    "/v2/availability": {"post"},
    "/v2/projects": {"get", "post"},
    "/v2/projects/{project_id}": {"get", "put", "delete"},
    "/v2/projects/{project_id}/resources": {"get", "post", "put"},
    "/v2/projects/{project_id}/resources/{resource_id}": {"delete"},
    "/v2/projects/embed/{project_id}": {"get"},
    "/v2/projects/hosted/{slug}": {"get"},
    "/v2/bookings": {"get", "post"},
    "/v2/bookings/groups": {"get"},
    "/v2/bookings/groups/{booking_id}": {"get"},
    "/v2/bookings/{booking_id}": {"get", "delete"},
    "/v2/bookings/{booking_id}/{action}": {"put", "post"},
    "/v2/bookings/{booking_id}/reschedule": {"post"},
    "/v2/bookings/{booking_id}/external_action/{action}": {"get"},
}
# Operations a widget key may call list its scheme besides the API key's.
WIDGET = {
    ("/v2/projects/embed/{project_id}", "get"),
    ("/v2/projects/hosted/{slug}", "get"),
    ("/v2/availability", "post"),
    ("/v2/bookings", "post"),
    ("/v2/bookings/groups", "get"),
}
# Followed from a customer's mail: the signature in the query is the credential, not a key.
PUBLIC = {"/v2/bookings/{booking_id}/external_action/{action}"}


def test_v2_paths_are_described_once_each(schema):
    v2 = {path: set(methods) for path, methods in schema["paths"].items() if path.startswith("/v2")}
    assert v2 == OPERATIONS


@pytest.mark.parametrize("path", sorted(OPERATIONS.keys() - PUBLIC))
def test_v2_operations_use_timekits_basic_scheme_and_errors(schema, path):
    for method in OPERATIONS[path]:
        operation = schema["paths"][path][method]
        widget = [{"timekitWidgetKey": []}] if (path, method) in WIDGET else []
        assert operation["security"] == [{"timekitApiKey": []}, *widget]
        assert {"400", "401", "422", "429"} <= set(operation["responses"])
    scheme = schema["components"]["securitySchemes"]["timekitApiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "basic")


def test_v2_answers_are_wrapped_in_data(schema):
    created = schema["paths"]["/v2/resources"]["post"]["responses"]["201"]
    ref = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"data"}
    error = schema["paths"]["/v2/resources"]["post"]["responses"]["422"]
    ref = error["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"error", "errors"}


def test_the_action_link_takes_no_key_and_documents_its_refusals(schema):
    (path,) = PUBLIC
    operation = schema["paths"][path]["get"]
    assert "security" not in operation
    assert {"200", "302", "403", "404", "422"} <= set(operation["responses"])
