"""/setup/v1 and /connect/token in the OpenAPI schema: OnSched's bearer scheme and error shape,
the bulk body as an array, the token URL's RFC 6749 errors."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "/setup/v1/resources": {"get", "post"},
    "/setup/v1/resources/bulk": {"put"},
    "/setup/v1/resources/{resource_id}": {"get", "put", "delete"},
    "/setup/v1/resources/{resource_id}/calendar/auth/google/{email}": {"get"},
    "/setup/v1/resources/{resource_id}/calendar/auth/outlook/{email}": {"get"},
}


def ref_name(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_setup_paths_are_described_once_each(schema):
    setup = {
        path: set(methods) for path, methods in schema["paths"].items() if path.startswith("/setup")
    }
    assert setup == OPERATIONS


@pytest.mark.parametrize("path", sorted(OPERATIONS))
def test_setup_operations_take_the_onsched_token_and_document_its_errors(schema, path):
    for method in OPERATIONS[path]:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"onschedToken": []}]
        assert {"400", "401", "422", "429"} <= set(operation["responses"])
        assert ref_name(operation["responses"]["422"]) == "OnSchedError"
    scheme = schema["components"]["securitySchemes"]["onschedToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_the_bulk_body_is_an_array_of_resources_with_ids(schema):
    body = schema["paths"]["/setup/v1/resources/bulk"]["put"]["requestBody"]
    array = body["content"]["application/json"]["schema"]
    assert array["type"] == "array"
    item = schema["components"]["schemas"][array["items"]["$ref"].rsplit("/", 1)[-1]]
    assert "id" in item["required"]


def test_return_urls_are_documented_as_http_urls(schema):
    parameters = schema["paths"]["/setup/v1/resources"]["post"]["parameters"]
    by_name = {parameter["name"]: parameter["schema"] for parameter in parameters}
    assert by_name["googleAuthReturnUrl"]["pattern"].startswith("^[Hh][Tt][Tt][Pp]")
    assert "googleAuthUrl" in by_name


def test_the_token_url_documents_rfc_6749_errors(schema):
    operation = schema["paths"]["/connect/token"]["post"]
    assert "application/x-www-form-urlencoded" in operation["requestBody"]["content"]
    assert {"400", "401", "429"} <= set(operation["responses"])
    assert ref_name(operation["responses"]["400"]) == "OAuthError"
