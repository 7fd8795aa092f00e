"""The exception handler only dispatches: each view names the error dialect that words it."""

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from scheduling.api.errors import OAUTH_ERRORS, ErrorDialect
from scheduling.errors import NotFound, ValidationFailed


def _teapot(exc: Exception) -> Response | None:
    if isinstance(exc, ValidationFailed):
        [(field, [(code, _text)])] = exc.errors.items()
        return Response({"brewed": False, "why": f"{field}:{code}"}, status=418)
    return None


class TeapotSerializer(serializers.Serializer):
    brewed = serializers.BooleanField()
    why = serializers.CharField()


# A dialect the core has never heard of, as another app (bookings' /v2) defines its own.
TEAPOT_ERRORS = ErrorDialect("teapot", _teapot, TeapotSerializer, {"bad_input": 418})


def view_raising(exc: Exception, **attributes) -> APIView:
    class Raising(APIView):
        authentication_classes = []
        permission_classes = []

        def get(self, request):
            raise exc

    for name, value in attributes.items():
        setattr(Raising, name, value)
    return Raising.as_view()


def get(view) -> Response:
    return view(APIRequestFactory().get("/"))


def test_a_view_naming_its_own_dialect_gets_that_shape():
    failed = ValidationFailed.one("cup", "empty", "No tea.")
    response = get(view_raising(failed, error_dialect=TEAPOT_ERRORS))
    assert response.status_code == 418
    assert response.data == {"brewed": False, "why": "cup:empty"}


def test_a_view_naming_no_dialect_speaks_v1():
    response = get(view_raising(ValidationFailed.one("cup", "empty", "No tea.")))
    assert response.status_code == 422
    assert response.data == {"errors": {"cup": [{"key": "errors.empty", "description": "No tea."}]}}


def test_the_oauth_dialect_words_the_same_error_as_rfc_6749():
    failed = ValidationFailed.one("code", "invalid_grant", "Expired.")
    response = get(view_raising(failed, error_dialect=OAUTH_ERRORS))
    assert response.status_code == 400
    assert response.data == {"error": "invalid_grant", "error_description": "code: Expired."}


def test_an_error_the_dialect_does_not_render_is_not_worded_by_another():
    # The teapot dialect knows nothing of NotFound: no v1 fallback sneaks in, DRF re-raises.
    with pytest.raises(NotFound):
        get(view_raising(NotFound(), error_dialect=TEAPOT_ERRORS))


def test_the_schema_documents_a_new_dialects_errors_in_its_own_shape():
    view = view_raising(
        ValidationFailed.one("leaves", "missing", "No tea."), error_dialect=TEAPOT_ERRORS
    )
    generator = SchemaGenerator(patterns=[path("teapot", view)])

    schema = generator.get_schema(request=None, public=True)

    responses = schema["paths"]["/teapot"]["get"]["responses"]
    assert responses["418"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Teapot"
    }
    assert "422" not in responses
