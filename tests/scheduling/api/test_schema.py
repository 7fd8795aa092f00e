import pytest

from tests.api_client import JsonClient
from tests.factories import make_user
from tests.scheduling.api.openapi import operations

pytestmark = pytest.mark.django_db

V1_ERRORS = "#/components/schemas/V1Errors"
OAUTH_ERROR = "#/components/schemas/OAuthError"


def error_ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_openapi_schema_generates_without_warnings(schema):
    assert "/v1/events" in schema["paths"]
    assert "accessToken" in schema["components"]["securitySchemes"]


def test_every_v1_operation_documents_its_errors_in_the_v1_shape(schema):
    checked = 0
    for method, path, operation in operations(schema):
        if not path.startswith("/v1/"):
            continue
        expected = {"401", "403", "422", "429"} | ({"404"} if "{" in path else set())
        assert expected <= operation["responses"].keys(), (method, path)
        for status in expected:
            assert error_ref(operation["responses"][status]) == V1_ERRORS, (method, path, status)
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        checked += 1
    assert checked > 20


def test_the_availability_calendar_extension_is_documented(schema):
    """An extension beyond Cronofy (seed 000 built in): read and set with an access token."""
    operations = schema["paths"]["/v1/availability_calendar"]
    assert set(operations) == {"get", "put"}
    body = operations["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("AvailabilityCalendarRequest")
    for operation in operations.values():
        assert operation["security"] == [{"accessToken": []}]
        assert "200" in operation["responses"]


def test_oauth_operations_document_rfc6749_errors(schema):
    for method, path, operation in operations(schema):
        if path.startswith("/oauth/"):
            assert {"400", "401", "429"} <= operation["responses"].keys(), (method, path)
            assert error_ref(operation["responses"]["400"]) == OAUTH_ERROR


def test_schema_needs_the_apis_credentials(tokens, app_creds):
    assert JsonClient().call("GET", "/api/schema/").status_code == 401
    assert JsonClient("not-a-token").call("GET", "/api/schema/").status_code == 401
    for credential in (tokens.access_token, app_creds.client_secret):
        response = JsonClient(credential).get(
            "/api/schema/", HTTP_AUTHORIZATION=f"Bearer {credential}"
        )
        assert response.status_code == 200
        assert b"openapi: 3" in response.content


def test_a_signed_in_user_reads_the_schema_and_the_docs(client):
    assert client.get("/api/docs/").status_code == 302  # to the sign-in page
    client.force_login(make_user())

    assert client.get("/api/schema/").status_code == 200
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr" not in html


def test_links_lead_from_a_created_object_to_the_operations_on_it(schema):
    created = schema["paths"]["/v1/channels"]["post"]["responses"]["200"]
    operation_ids = {operation["operationId"] for _method, _path, operation in operations(schema)}

    assert created["links"]["CloseChannel"] == {
        "operationId": "channels_close",
        "parameters": {"channel_id": "$response.body#/channel/channel_id"},
    }
    for _method, _path, operation in operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in operation_ids


@pytest.mark.django_db(transaction=True)
def test_schema_generation_runs_one_at_a_time_per_process(tokens, monkeypatch):
    """drf-spectacular's lazy extension loading is not thread-safe (a 500 seen under gthread)."""
    import threading
    import time

    from drf_spectacular.views import SpectacularAPIView

    inside, most = [0], [0]
    original = SpectacularAPIView._get_schema_response

    def slow(self, request):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        inside[0] -= 1
        return original(self, request)

    monkeypatch.setattr(SpectacularAPIView, "_get_schema_response", slow)
    token = tokens.access_token
    statuses = []

    def fetch():
        statuses.append(
            JsonClient(token).get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        )

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200, 200]
    assert most[0] == 1


ELEMENT_OPERATIONS = {
    ("POST", "/v1/availability"),
    ("POST", "/v1/sequenced_availability"),
    ("GET", "/v1/availability_rules"),
    ("POST", "/v1/availability_rules"),
    ("GET", "/v1/availability_rules/{availability_rule_id}"),
    ("DELETE", "/v1/availability_rules/{availability_rule_id}"),
    ("GET", "/v1/events"),  # not DELETE /v1/events: element tokens may never delete events
    ("GET", "/v1/events/pages/{token}"),
    ("GET", "/v1/userinfo"),
}


def test_the_element_token_is_a_query_credential_of_the_element_operations(schema):
    scheme = schema["components"]["securitySchemes"]["elementToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "query", "et")
    taking = {
        (method, path)
        for method, path, operation in operations(schema)
        if {"elementToken": []} in operation.get("security", [])
    }
    assert taking == ELEMENT_OPERATIONS


def test_element_tokens_are_issued_with_the_api_key(schema):
    operation = schema["paths"]["/v1/element_tokens"]["post"]
    assert operation["security"] == [{"apiKey": []}]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("ElementTokenRequestRequest")
