"""The waitlist of a full class: joining, offers when seats are freed (mailed with a claim link),
claims that never oversell, and the sweep that expires offers and moves on to the next."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import resolve

from bookings import tasks
from bookings.action_links import action_token
from bookings.mail import waitlist_offer_mail_send
from bookings.models import Booking, WaitlistEntry
from bookings.services.group_bookings import booking_action
from bookings.services.waitlist import (
    waitlist_claim,
    waitlist_claim_token,
    waitlist_claim_token_read,
    waitlist_expire_offers,
    waitlist_join,
    waitlist_offer,
)
from scheduling.errors import ValidationFailed
from tests.bookings.pages.class_setup import seat_for, studio, studio_class
from tests.clock import FROZEN_NOW

pytestmark = pytest.mark.django_db
__all__ = ["studio"]

State = WaitlistEntry.State
TTL = dt.timedelta(minutes=30)


@pytest.fixture(autouse=True)
def offer_ttl(settings):
    settings.WAITLIST_OFFER_TTL = TTL
    settings.PUBLIC_BASE_URL = "https://book.example.test"


@pytest.fixture
def full(app_creds, studio):
    """A two-seat class, both seats taken (Ada, Grace)."""
    klass = studio_class(app_creds, studio, max_seats=2)
    seat_for(app_creds, klass, email="ada@example.test")
    seat_for(app_creds, klass, email="grace@example.test", name="Grace")
    klass.refresh_from_db()
    return klass


def code(call) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call()
    ((_field, problems),) = caught.value.errors.items()
    return problems[0][0]


def join(klass, email, now=FROZEN_NOW, name="Wait"):
    return waitlist_join(
        owner_booking=klass, name=name, email=email, timezone="Europe/Paris", now=now
    )


def free_a_seat(app_creds, klass, email="ada@example.test"):
    seat = Booking.objects.get(owner_booking=klass, customer_email=email, state="confirmed")
    return booking_action(
        application=app_creds.application,
        booking_id=seat.booking_id,
        action="cancel_by_customer",
        now=FROZEN_NOW,
    )


def states(klass) -> list[tuple[str, str]]:
    return list(
        WaitlistEntry.objects.filter(owner_booking=klass)
        .order_by("created_at", "id")
        .values_list("email", "state")
    )


def test_join_refuses_a_class_with_seats_left(app_creds, studio):
    klass = studio_class(app_creds, studio, max_seats=2)
    assert code(lambda: join(klass, "w@example.test")) == "seats_available"
    assert not WaitlistEntry.objects.exists()


def test_join_a_full_class_puts_the_visitor_in_line(full):
    entry = join(full, "w@example.test")
    assert (entry.state, entry.timezone, entry.owner_booking) == (
        State.WAITING,
        "Europe/Paris",
        full,
    )


def test_one_active_entry_per_email(full):
    join(full, "w@example.test")
    assert code(lambda: join(full, "W@Example.test")) == "already_waiting"
    assert WaitlistEntry.objects.count() == 1


def test_join_refuses_a_cancelled_class(app_creds, full):
    booking_action(application=app_creds.application, booking_id=full.booking_id, action="cancel")
    full.refresh_from_db()
    assert code(lambda: join(full, "w@example.test")) == "class_cancelled"


def test_a_freed_seat_is_offered_to_the_first_in_line_by_mail(
    app_creds, full, django_capture_on_commit_callbacks
):
    first = join(full, "first@example.test", name="First")
    join(full, "second@example.test", now=FROZEN_NOW + dt.timedelta(seconds=1))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        free_a_seat(app_creds, full)

    first.refresh_from_db()
    assert first.state == State.OFFERED
    assert first.offer_expires_at - first.offered_at == TTL
    assert states(full) == [
        ("first@example.test", State.OFFERED),
        ("second@example.test", State.WAITING),
    ]
    offers = [m for m in mail.outbox if m.to == ["first@example.test"]]
    [offer] = offers
    assert offer.subject == "A seat is free: Morning yoga"
    assert "if it is still available" in offer.body
    [url] = re.findall(r"https://book\.example\.test(/classes/waitlist/\S+)", offer.body)
    token = resolve(url).kwargs["token"]
    assert waitlist_claim_token_read(token) == str(first.entry_id)


def test_offers_never_outnumber_the_free_seats(app_creds, full):
    entries = [
        join(full, f"w{n}@example.test", FROZEN_NOW + dt.timedelta(seconds=n)) for n in range(3)
    ]
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)  # again: the pending offer counts
    assert [s for _, s in states(full)] == [State.OFFERED, State.WAITING, State.WAITING]

    free_a_seat(app_creds, full, "grace@example.test")
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    assert [s for _, s in states(full)] == [State.OFFERED, State.OFFERED, State.WAITING]
    assert entries[2].pk == WaitlistEntry.objects.get(state=State.WAITING).pk


def test_a_claim_takes_the_seat(app_creds, full):
    entry = join(full, "w@example.test", name="Wanda")
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)

    seat = waitlist_claim(entry_id=entry.entry_id, now=FROZEN_NOW + dt.timedelta(minutes=5))

    entry.refresh_from_db()
    full.refresh_from_db()
    assert (entry.state, entry.seat) == (State.CLAIMED, seat)
    assert (seat.customer_name, seat.customer_email, seat.customer_timezone) == (
        "Wanda",
        "w@example.test",
        "Europe/Paris",
    )
    assert full.taken_seats == 2
    assert code(lambda: waitlist_claim(entry_id=entry.entry_id, now=FROZEN_NOW)) == (
        "already_claimed"
    )


def test_a_claim_after_the_seat_went_to_someone_else_fails_and_keeps_the_place(app_creds, full):
    entry = join(full, "w@example.test")
    later = join(full, "later@example.test", FROZEN_NOW + dt.timedelta(seconds=1))
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    seat_for(app_creds, full, email="quick@example.test")  # an offer does not hold the seat

    assert code(lambda: waitlist_claim(entry_id=entry.entry_id, now=FROZEN_NOW)) == "seat_gone"

    entry.refresh_from_db()
    full.refresh_from_db()
    assert (entry.state, entry.offer_expires_at) == (State.WAITING, None)
    assert full.taken_seats == full.max_seats == 2
    # Still first in line: the next freed seat is offered to it, not to the later one.
    free_a_seat(app_creds, full, "grace@example.test")
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    entry.refresh_from_db()
    later.refresh_from_db()
    assert (entry.state, later.state) == (State.OFFERED, State.WAITING)


def test_a_claim_of_a_cancelled_class_fails_and_the_entry_expires(app_creds, full):
    entry = join(full, "w@example.test")
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    booking_action(application=app_creds.application, booking_id=full.booking_id, action="cancel")

    assert code(lambda: waitlist_claim(entry_id=entry.entry_id, now=FROZEN_NOW)) == (
        "class_cancelled"
    )
    entry.refresh_from_db()
    assert entry.state == State.EXPIRED


def test_a_claim_after_the_offer_expired_fails(app_creds, full):
    entry = join(full, "w@example.test")
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)

    late = FROZEN_NOW + TTL
    assert code(lambda: waitlist_claim(entry_id=entry.entry_id, now=late)) == "offer_expired"
    full.refresh_from_db()
    assert full.taken_seats == 1


def test_a_waiting_entry_cannot_claim(full):
    entry = join(full, "w@example.test")
    assert code(lambda: waitlist_claim(entry_id=entry.entry_id, now=FROZEN_NOW)) == "offer_expired"


def test_the_sweep_expires_offers_and_offers_the_seat_to_the_next(
    app_creds, full, django_capture_on_commit_callbacks
):
    first = join(full, "first@example.test")
    second = join(full, "second@example.test", FROZEN_NOW + dt.timedelta(seconds=1))
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)

    assert waitlist_expire_offers(now=FROZEN_NOW + TTL - dt.timedelta(seconds=1)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert waitlist_expire_offers(now=FROZEN_NOW + TTL) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.EXPIRED, State.OFFERED)
    assert second.offer_expires_at == FROZEN_NOW + TTL + TTL
    assert [m.to for m in mail.outbox] == [["second@example.test"]]


def test_no_offer_for_a_class_that_has_started(app_creds, full):
    join(full, "w@example.test")
    free_a_seat(app_creds, full)
    assert waitlist_offer(owner_booking_pk=full.pk, now=full.start) == []


def test_claim_tokens_are_signed_apart_from_action_tokens():
    token = waitlist_claim_token("e1")
    assert waitlist_claim_token_read(token) == "e1"
    assert waitlist_claim_token_read(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert waitlist_claim_token_read(action_token(booking_id="e1", action="x")) is None


def test_the_offer_mail_is_not_sent_once_the_offer_is_gone(app_creds, full):
    entry = join(full, "w@example.test")
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    waitlist_expire_offers(now=FROZEN_NOW + TTL)
    mail.outbox.clear()

    assert waitlist_offer_mail_send(entry_id=entry.pk) is False
    assert mail.outbox == []


def test_the_sweep_task_expires_due_offers(app_creds, full, clock):
    join(full, "w@example.test")
    free_a_seat(app_creds, full)
    waitlist_offer(owner_booking_pk=full.pk, now=FROZEN_NOW)
    clock.move_to(FROZEN_NOW + TTL + dt.timedelta(seconds=1))

    assert tasks.waitlist_expire_offers() == 1
    assert WaitlistEntry.objects.get().state == State.EXPIRED
