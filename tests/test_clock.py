"""The tests' clock (tests.clock): frozen at FROZEN_NOW, ticking, shared with the live server."""

import datetime as dt
import time
from email.utils import parsedate_to_datetime

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from tests.clock import FROZEN_NOW


def test_every_test_starts_at_the_frozen_instant_and_the_clock_ticks():
    first = timezone.now()
    time.sleep(0.005)
    assert FROZEN_NOW <= first < timezone.now() < FROZEN_NOW + dt.timedelta(minutes=1)


def test_the_live_server_thread_shares_the_frozen_clock(live_server):
    response = requests.get(f"{live_server.url}/v1/account", timeout=10)
    assert response.status_code == 401
    served_at = parsedate_to_datetime(response.headers["Date"])
    assert FROZEN_NOW <= served_at < FROZEN_NOW + dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_moving_the_clock_expires_an_access_token(clock, api):
    assert api.call("GET", "/v1/account").status_code == 200
    clock.shift(dt.timedelta(seconds=settings.ACCESS_TOKEN_LIFETIME_SECONDS + 1))
    assert api.call("GET", "/v1/account").status_code == 401
