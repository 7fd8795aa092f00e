"""Visitors booking one resource at once (PostgreSQL, real concurrent writers): never
double-booked, and the exclusion constraint refuses what the code above it would let through."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from bookings.models import Booking
from bookings.services import one_to_one
from bookings.services.autocomplete import bookings_autocomplete
from scheduling.errors import ValidationFailed
from tests.bookings.one_to_one import HOUR, START, act, book, refusal
from tests.clock import FROZEN_NOW
from tests.concurrency import needs_concurrent_writers, race
from tests.factories import make_account

pytestmark = needs_concurrent_writers


@pytest.fixture
def resource(app_creds):
    return make_account(app_creds.application, name="Doc Brown")


def attempt(call) -> str:
    try:
        call()
    except ValidationFailed as exc:
        return next(iter(exc.errors.values()))[0][0]
    return "booked"


def holding(resource, start=START) -> list[Booking]:
    return list(
        Booking.objects.filter(
            account=resource, state="confirmed", start__lt=start + HOUR, end__gt=start
        )
    )


def test_fifty_visitors_booking_one_slot_give_one_booking(app_creds, resource):
    def run(n: int) -> str:
        customer = {"name": f"Visitor {n}", "email": f"v{n}@example.test"}
        # Each visitor picks a slightly different time overlapping the others'.
        start = START + n * HOUR / 100
        return attempt(lambda: book(app_creds, resource, start=start, customer=customer))

    outcomes = race(50, run)
    assert sorted(outcomes) == ["booked"] + ["not_available"] * 49
    assert Booking.objects.filter(account=resource).count() == 1


def test_a_confirm_racing_an_instant_booking_leaves_one_holding_the_time(app_creds, resource):
    for round_ in range(5):  # either may win: each round must leave exactly one
        start = START + round_ * 3 * HOUR
        tentative = book(app_creds, resource, graph="confirm_decline", start=start)

        def run(n: int, tentative=tentative, start=start) -> str:
            if n == 0:
                return attempt(lambda: act(app_creds, tentative, "confirm"))
            return attempt(lambda: book(app_creds, resource, start=start + HOUR / 2))

        outcomes = race(2, run)
        assert sorted(outcomes) == ["booked", "not_available"]
        assert len(holding(resource, start)) == 1


def test_the_exclusion_constraint_refuses_an_overlapping_confirmed_booking(app_creds, resource):
    first = book(app_creds, resource)
    with pytest.raises(IntegrityError, match="booking_no_double_booking"), transaction.atomic():
        Booking.objects.create(
            application=app_creds.application,
            graph="instant",
            state="confirmed",
            account=resource,
            start=first.start + HOUR / 2,
            end=first.end + HOUR / 2,
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
        )
    # Tentative and cancelled bookings, and other resources' bookings, are not held.
    for values in ({"state": "tentative", "graph": "confirm_decline"}, {"state": "cancelled"}):
        Booking.objects.create(
            application=app_creds.application,
            graph=values.get("graph", "instant"),
            state=values["state"],
            account=resource,
            start=first.start,
            end=first.end,
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
        )


def test_the_guards_refusal_becomes_the_re_checks_refusal(app_creds, resource, monkeypatch):
    book(app_creds, resource)
    monkeypatch.setattr(one_to_one, "_slot_problem", lambda **kwargs: None)  # a broken re-check
    assert refusal(lambda: book(app_creds, resource, start=START + HOUR / 2)) == (
        "start",
        "not_available",
    )
    tentative = book(app_creds, resource, graph="confirm_decline")
    assert refusal(lambda: act(app_creds, tentative, "confirm")) == ("start", "not_available")
    assert len(holding(resource)) == 1


def test_a_reschedule_racing_a_booking_of_its_new_time_leaves_one_holding_it(app_creds, resource):
    old = book(app_creds, resource, start=START - 3 * HOUR)

    def run(n: int) -> str:
        if n == 0:
            return attempt(
                lambda: one_to_one.booking_reschedule(
                    application=app_creds.application,
                    booking_id=old.booking_id,
                    start=START,
                    end=START + HOUR,
                )
            )
        return attempt(lambda: book(app_creds, resource, start=START + HOUR / 2))

    outcomes = race(2, run)
    assert sorted(outcomes) == ["booked", "not_available"]
    assert len(holding(resource)) == 1


def test_the_autocomplete_sweep_skips_a_booking_another_transaction_holds(app_creds, resource):
    held, free = book(app_creds, resource), book(app_creds, resource, start=START + HOUR)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Booking.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        assert bookings_autocomplete(now=START + 4 * HOUR) == 1
    finally:
        release.set()
        holder.join()
    states = dict(Booking.objects.values_list("pk", "state"))
    assert (states[held.pk], states[free.pk]) == ("confirmed", "completed")
    assert bookings_autocomplete(now=START + 4 * HOUR) == 1
