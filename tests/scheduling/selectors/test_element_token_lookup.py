"""element_token_lookup: a live token resolved to its accounts, in order, with what the
application may do for the first, in a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.scopes import READ_WRITE
from scheduling.selectors.credentials import element_token_lookup
from scheduling.services.tokens import grant_revoke
from tests.clock import FROZEN_NOW
from tests.factories import (
    make_account,
    make_element_token,
    make_tokens,
    make_user_account,
)

pytestmark = pytest.mark.django_db


def test_the_accounts_come_in_the_order_of_the_subs(app_creds):
    first, second, third = (make_account(app_creds.application) for _ in range(3))
    raw = make_element_token(app_creds.application, second, third, first)

    grant = element_token_lookup(raw=raw)

    assert grant.accounts == (second, third, first)
    assert grant.application == app_creds.application
    assert grant.scopes == frozenset({READ_WRITE})


def test_a_persons_scopes_are_their_grants(app_creds, account):
    person = make_user_account()
    make_tokens(app_creds.application, person, scope="read_account read_events")
    grant = element_token_lookup(raw=make_element_token(app_creds.application, person, account))
    assert grant.scopes == frozenset({"read_account", "read_events"})


def test_the_lookup_costs_the_same_for_many_subs(app_creds):
    def queries(count: int) -> int:
        accounts = [make_account(app_creds.application) for _ in range(count)]
        raw = make_element_token(app_creds.application, *accounts)
        with CaptureQueriesContext(connection) as captured:
            assert element_token_lookup(raw=raw) is not None
        return len(captured)

    assert queries(1) == queries(20)


def test_an_expired_token_is_none(app_creds, account):
    raw = make_element_token(app_creds.application, account)
    assert element_token_lookup(raw=raw, now=FROZEN_NOW + dt.timedelta(hours=17)) is not None
    assert element_token_lookup(raw=raw, now=FROZEN_NOW + dt.timedelta(hours=18, seconds=1)) is None


def test_a_sub_no_longer_visible_ends_the_token(app_creds, account):
    person = make_user_account()
    tokens = make_tokens(app_creds.application, person)
    raw = make_element_token(app_creds.application, account, person)
    grant_revoke(grant=tokens.grant)
    assert element_token_lookup(raw=raw) is None


def test_an_unknown_or_empty_token_is_none(app_creds, account):
    make_element_token(app_creds.application, account)
    assert element_token_lookup(raw="") is None
    assert element_token_lookup(raw="not-a-token") is None
