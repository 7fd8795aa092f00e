"""The widget key service (bookings/services/widget_keys.py) and the helper later widget views
use to hold a widget caller to a project of its application."""

import pytest
from rest_framework.test import APIRequestFactory

from bookings.models import WidgetKey
from bookings.services.projects import project_create
from bookings.services.widget_keys import widget_key_create, widget_key_rotate
from bookings.v2.permissions import widget_project_required
from scheduling.api.authentication import Caller
from scheduling.errors import ValidationFailed
from tests.clock import FROZEN_NOW
from tests.factories import make_application

pytestmark = pytest.mark.django_db


def test_create_makes_one_public_key_per_application(app_creds):
    key = widget_key_create(application=app_creds.application, now=FROZEN_NOW)
    assert key.key.startswith("widget_")
    assert len(key.key) > 40
    assert key.created_at == FROZEN_NOW
    assert widget_key_create(application=app_creds.application) == key
    assert WidgetKey.objects.count() == 1


def test_keys_differ_between_applications(app_creds):
    mine = widget_key_create(application=app_creds.application)
    theirs = widget_key_create(application=make_application().application)
    assert mine.key != theirs.key


def test_rotate_replaces_the_key(app_creds):
    first = widget_key_create(application=app_creds.application).key
    rotated = widget_key_rotate(application=app_creds.application, now=FROZEN_NOW)
    assert rotated.key != first
    assert rotated.key.startswith("widget_")
    assert WidgetKey.objects.get().key == rotated.key


def test_rotate_creates_a_key_when_there_is_none(app_creds):
    assert widget_key_rotate(application=app_creds.application).key.startswith("widget_")


def widget_request(application):
    request = APIRequestFactory().get("/v2/x")
    request.user = Caller(application)
    return request


def test_a_widget_caller_must_name_a_project_of_its_application(app_creds):
    request = widget_request(app_creds.application)
    mine = project_create(application=app_creds.application, name="Mine")
    theirs = project_create(application=make_application().application, name="Theirs")
    assert widget_project_required(request, str(mine.project_id)) == mine
    with pytest.raises(ValidationFailed) as raised:
        widget_project_required(request, str(theirs.project_id))
    assert list(raised.value.errors) == ["project_id"]
    with pytest.raises(ValidationFailed) as raised:
        widget_project_required(request, None)
    assert list(raised.value.errors) == ["project_id"]
