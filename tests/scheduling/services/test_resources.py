import pytest

from scheduling.errors import ValidationFailed
from scheduling.models import Account, Calendar
from scheduling.services.accounts import resource_create, resource_delete, resource_update
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_update_changes_only_what_is_given(app_creds):
    resource = resource_create(application=app_creds.application, name="Room", email="r@x.io")
    resource_update(resource=resource, default_tzid="Europe/Paris")
    resource.refresh_from_db()
    assert (resource.name, resource.email, resource.default_tzid) == (
        "Room",
        "r@x.io",
        "Europe/Paris",
    )


def test_update_refuses_an_unknown_time_zone_and_changes_nothing(app_creds):
    resource = resource_create(application=app_creds.application, name="Room")
    with pytest.raises(ValidationFailed):
        resource_update(resource=resource, name="New", default_tzid="Mars/Base")
    resource.refresh_from_db()
    assert resource.name == "Room"


def test_delete_removes_the_resource_and_its_calendar(app_creds):
    resource = resource_create(application=app_creds.application, name="Room")
    resource_delete(resource=resource)
    assert not Account.objects.filter(pk=resource.pk).exists()
    assert not Calendar.objects.filter(account_id=resource.pk).exists()


def test_delete_refuses_other_kinds(app_creds):
    account = make_account(app_creds.application)
    with pytest.raises(ValueError, match="only resources"):
        resource_delete(resource=account)
