"""Projects and widget keys in the admin: projects read-only with their resources in order;
widget keys created for an application and rotated through the service."""

import pytest
from django.urls import reverse

from bookings.models import WidgetKey
from bookings.services.projects import project_create
from bookings.services.widget_keys import widget_key_create
from scheduling.models import Account
from tests.factories import make_account, make_application

pytestmark = pytest.mark.django_db

WIDGET_KEYS = reverse("admin:bookings_widgetkey_changelist")
WIDGET_KEY_ADD = reverse("admin:bookings_widgetkey_add")
PROJECTS = reverse("admin:bookings_project_changelist")


@pytest.fixture
def project(app_creds):
    rooms = [
        make_account(app_creds.application, kind=Account.Kind.RESOURCE, name=name)
        for name in ("Zed room", "Alpha room")
    ]
    return project_create(
        application=app_creds.application,
        name="Yoga",
        resource_ids=[room.sub for room in rooms],
        booking={"graph": "group_customer", "action": "create"},
    )


def test_the_project_list_shows_counts_in_constant_queries(
    admin_client, app_creds, project, django_assert_max_num_queries
):
    project_create(application=app_creds.application, name="Pilates")
    with django_assert_max_num_queries(12):
        response = admin_client.get(PROJECTS)
    rows = {p.name: p.resources_total for p in response.context["cl"].result_list}
    assert rows == {"Yoga": 2, "Pilates": 0}
    assert b"group_customer" in response.content


def test_the_project_page_lists_its_resources_in_order_and_is_read_only(admin_client, project):
    response = admin_client.get(reverse("admin:bookings_project_change", args=[project.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Zed room") < content.index("Alpha room")
    assert "group_customer" in content
    assert not response.context["has_change_permission"]


def test_the_add_path_creates_a_widget_key_for_an_application(admin_client, app_creds):
    response = admin_client.post(WIDGET_KEY_ADD, {"application": app_creds.application.pk})
    assert response.status_code == 302
    key = WidgetKey.objects.get(application=app_creds.application)
    assert key.key.startswith("widget_")
    listing = admin_client.get(WIDGET_KEYS).content.decode()
    assert key.key in listing


def test_an_application_has_one_widget_key(admin_client, app_creds):
    widget_key_create(application=app_creds.application)
    response = admin_client.post(WIDGET_KEY_ADD, {"application": app_creds.application.pk})
    assert response.status_code == 200  # the form again, with the error
    assert WidgetKey.objects.count() == 1


def test_rotate_replaces_the_selected_keys(admin_client, app_creds):
    mine = widget_key_create(application=app_creds.application)
    theirs = widget_key_create(application=make_application().application)
    response = admin_client.post(
        WIDGET_KEYS, {"action": "rotate", "_selected_action": [mine.pk]}, follow=True
    )
    assert response.status_code == 200
    mine_after, theirs_after = (WidgetKey.objects.get(pk=k.pk).key for k in (mine, theirs))
    assert mine_after != mine.key
    assert theirs_after == theirs.key
