"""A Django test client that speaks JSON to the API, with an optional bearer token."""

import json

from django.test import Client


class JsonClient(Client):
    """Django's test client speaking JSON, with an optional bearer token."""

    def __init__(self, token: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.token = token

    def call(self, method: str, path: str, body=None, token: str | None = None, **extra):
        token = token if token is not None else self.token
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None and not isinstance(body, str | bytes) else body
        return getattr(self, method.lower())(
            path, data=data, content_type="application/json", **extra
        )
