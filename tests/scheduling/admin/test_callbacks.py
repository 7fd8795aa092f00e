"""The outbox in the admin: list, attempts, body, and the resend and cancel actions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import OutgoingCallback
from scheduling.services.callbacks import callback_deliver, callback_enqueue
from tests.factories import make_application, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC)
CHANGELIST = reverse("admin:scheduling_outgoingcallback_changelist")
State = OutgoingCallback.State


def enqueue(application, url, *, body=b'{"notification": {"type": "change"}}', **options):
    return callback_enqueue(
        application=application,
        url=url,
        body=body,
        kind=OutgoingCallback.Kind.CHANNEL_NOTIFICATION,
        now=NOW,
        **options,
    )


def change_page(callback) -> str:
    return reverse("admin:scheduling_outgoingcallback_change", args=[callback.pk])


def results(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def failing(app_creds, receiver):
    """A callback with one failed attempt (the receiver answered 500)."""
    receiver.status = 500
    callback = enqueue(app_creds.application, receiver.url)
    callback_deliver(callback_id=callback.pk, now=NOW)
    receiver.status = 200
    callback.refresh_from_db()
    return callback


def test_list_shows_callbacks_and_filters_by_state(admin_client, app_creds, failing, receiver):
    delivered = enqueue(app_creds.application, receiver.url)
    callback_deliver(callback_id=delivered.pk, now=NOW)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert set(results(response)) == {failing, delivered}
    assert receiver.url in response.text
    pending = admin_client.get(CHANGELIST, {"state__exact": "pending"})
    assert results(pending) == [failing]


def test_search_finds_by_url(admin_client, app_creds, failing):
    other = enqueue(app_creds.application, "https://elsewhere.example.test/hooks")
    assert results(admin_client.get(CHANGELIST, {"q": "elsewhere"})) == [other]


def test_change_page_shows_the_body_and_every_attempt(admin_client, app_creds, failing):
    page = admin_client.get(change_page(failing))
    assert page.status_code == 200
    assert "{&quot;notification&quot;: {&quot;type&quot;: &quot;change&quot;}}" in page.text
    assert "HTTP 500" in page.text
    assert "Will be retried" in page.text
    assert app_creds.client_secret not in page.text


def test_callbacks_are_read_only(admin_client, failing):
    response = admin_client.post(change_page(failing), {"url": "http://127.0.0.1:9/"})
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:scheduling_outgoingcallback_add")).status_code == 403


def test_list_queries_do_not_grow_with_rows(admin_client, app_creds, receiver):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    enqueue(app_creds.application, receiver.url)
    few = count_queries()
    for _ in range(3):
        enqueue(make_application().application, receiver.url)
    assert count_queries() == few


def test_resend_action_sends_now(
    admin_client, failing, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "resend", "_selected_action": [failing.pk]}, follow=True
        )
    assert "Queued 1 callback(s) to be sent again." in response.text
    failing.refresh_from_db()
    assert failing.state == State.DELIVERED
    assert len(receiver.received) == 2  # the failed attempt, then the resent one


def test_cancel_action_stops_a_pending_callback(admin_client, failing):
    response = admin_client.post(
        CHANGELIST, {"action": "cancel", "_selected_action": [failing.pk]}, follow=True
    )
    assert "Cancelled 1 callback(s)." in response.text
    failing.refresh_from_db()
    assert failing.state == State.CANCELLED


def test_cancel_action_reports_what_it_skipped(admin_client, failing, app_creds, receiver):
    delivered = enqueue(app_creds.application, receiver.url)
    callback_deliver(callback_id=delivered.pk, now=NOW)
    selected = [failing.pk, delivered.pk]
    response = admin_client.post(
        CHANGELIST, {"action": "cancel", "_selected_action": selected}, follow=True
    )
    assert "Cancelled 1 callback(s); 1 skipped" in response.text
    delivered.refresh_from_db()
    assert delivered.state == State.DELIVERED


def test_staff_with_view_permission_only_cannot_resend_or_cancel(client, failing):
    user = make_user("viewer")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_outgoingcallback"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 200
    for action in ("resend", "cancel"):
        client.post(CHANGELIST, {"action": action, "_selected_action": [failing.pk]})
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == (State.PENDING, 1)
