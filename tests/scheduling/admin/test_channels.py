"""Channels in the admin: the close action calls the channel service."""

import pytest
from django.urls import reverse

from scheduling.models import Channel
from scheduling.services.channels import channel_close, channel_create
from tests.factories import make_account

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:scheduling_channel_changelist")


def open_channel(account, n):
    return channel_create(
        application=account.application, account=account, callback_url=f"http://127.0.0.1:9/{n}"
    )


def test_close_action_closes_open_channels_and_reports_the_count(admin_client, app_creds):
    account = make_account(app_creds.application)
    first, second, already = (open_channel(account, n) for n in range(3))
    channel_close(application=app_creds.application, account=account, channel_id=already.channel_id)

    response = admin_client.post(
        CHANGELIST,
        {"action": "close", "_selected_action": [c.pk for c in (first, already)]},
        follow=True,
    )

    assert "Closed 1 channel(s)." in [str(m) for m in response.context["messages"]]
    assert set(Channel.objects.filter(closed_at__isnull=True)) == {second}


def test_open_filter_lists_open_or_closed_channels(admin_client, app_creds):
    account = make_account(app_creds.application)
    open_one, closed = open_channel(account, 1), open_channel(account, 2)
    channel_close(application=app_creds.application, account=account, channel_id=closed.channel_id)

    for value, expected in [("yes", [open_one]), ("no", [closed])]:
        response = admin_client.get(CHANGELIST, {"open": value})
        assert list(response.context["cl"].result_list) == expected
