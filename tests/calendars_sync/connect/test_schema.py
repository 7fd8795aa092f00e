"""The connections API in the OpenAPI schema: both credentials, the /v1 errors, no secrets out."""

from tests.scheduling.api.conftest import schema  # noqa: F401  (the generated schema, a fixture)

OPERATIONS = {
    ("/v1/connections", "get"): "connections_list",
    ("/v1/connections", "post"): "connections_create",
    ("/v1/connections/{connection_id}", "delete"): "connections_delete",
    ("/v1/connections/{connection_id}/sync", "post"): "connections_sync",
}


def test_every_connections_operation_takes_the_access_token_or_the_api_key(schema):  # noqa: F811
    for (path, method), operation_id in OPERATIONS.items():
        operation = schema["paths"][path][method]
        assert operation["operationId"] == operation_id
        assert operation["security"] == [{"accessTokenOrApiKey": []}]


def test_a_connection_in_an_answer_carries_no_credentials(schema):  # noqa: F811
    created = schema["paths"]["/v1/connections"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("ConnectionCreated")
    fields = set(schema["components"]["schemas"]["Connection"]["properties"])
    assert fields == {
        "connection_id",
        "provider",
        "external_account",
        "state",
        "profile_id",
        "last_sync_at",
        "last_error",
    }
    request = schema["components"]["schemas"]["ConnectionCreateRequest"]["properties"]
    assert {"password", "username", "server_url", "url", "sub"} <= set(request)
