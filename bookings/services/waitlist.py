"""The waitlist of a full class: visitors wait in line; a freed seat is offered to the first of
them by mail with a claim link valid for WAITLIST_OFFER_TTL, then to the next.

Choices (docs/v2.md, "Waitlist"):
- Joining is for full classes only: while seats are left, the visitor takes one.
- An offer does not hold the seat. Holding would make the seat count depend on offers as well as
  seats, in every seat path (API, widget, pages); instead the mail says "if still available".
  The number of open offers of a class never exceeds its free seats: a freed seat is offered
  only when the seats left outnumber the pending offers.
- A claim takes the seat through seat_create, under the class's row lock like every seat, so it
  can never oversell. When the seat is gone (taken by someone else meanwhile) the claim fails and
  the entry goes back to `waiting`, keeping its place (first in line for the next freed seat);
  when the class is cancelled, has started or closed booking, the entry expires.
- An offer not claimed in time expires (the q2 sweep `waitlist_expire_offers`), and the seat, if
  still free, is offered to the next in line.
Locks are taken class first, then entries, as the seat services do.
"""

import datetime as dt
import uuid
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from bookings.engine.seats import is_open, seat_request_problem, seats_left
from bookings.models import Booking, WaitlistEntry
from bookings.services.group_bookings import class_seats, seat_create
from scheduling.errors import ValidationFailed

State = WaitlistEntry.State
ACTIVE = (State.WAITING, State.OFFERED)
OFFER_MAIL_TASK = "bookings.tasks.waitlist_offer_mail"
OFFER_TASK = "bookings.tasks.waitlist_offer"
CLAIM_SALT = "bookings.waitlist-claim"
CLAIM_MAX_AGE = dt.timedelta(days=90)  # the offer's own expiry is what counts


def waitlist_claim_token(entry_id: object) -> str:
    return signing.dumps({"e": str(entry_id)}, salt=CLAIM_SALT, compress=False)


def waitlist_claim_token_read(token: str) -> str | None:
    """The entry id a claim token names; None for a forged, altered or malformed one."""
    try:
        payload = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.BadSignature:
        return None
    entry_id = payload.get("e") if isinstance(payload, dict) else None
    return entry_id if isinstance(entry_id, str) else None


def waitlist_join(
    *,
    owner_booking: Booking,
    name: str,
    email: str,
    timezone: str = "",
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put a visitor in line for `owner_booking`, a full class. Raises ValidationFailed when a
    seat can be taken (take it instead), when the class is no longer open, or when the email is
    already waiting for it."""
    now = now or _now()
    with transaction.atomic():
        klass = _lock_class(owner_booking.pk)
        problem = seat_request_problem(class_seats(klass), seats=1, now=now)
        if problem is None:
            raise ValidationFailed.one(
                "owner_booking_id", "seats_available", "Seats are available: take one."
            )
        if problem.code != "class_full":
            raise ValidationFailed.one(problem.field, problem.code, problem.description)
        already = WaitlistEntry.objects.filter(
            owner_booking=klass, email__iexact=email, state__in=ACTIVE
        )
        if already.exists():
            raise _already_waiting()
        try:
            with transaction.atomic():  # the constraint is the last guard against a double join
                return WaitlistEntry.objects.create(
                    owner_booking=klass,
                    name=name,
                    email=email,
                    timezone=timezone,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as exc:
            raise _already_waiting() from exc


def waitlist_offer_on_commit(*, owner_booking_pk: int) -> None:
    """Called by the seat services when seats are freed: offer them once the change commits."""
    transaction.on_commit(partial(async_task, OFFER_TASK, owner_booking_pk), robust=True)


def waitlist_offer(*, owner_booking_pk: int, now: dt.datetime | None = None) -> list[WaitlistEntry]:
    """Offer the class's free seats not yet offered to the first waiting entries (each mailed on
    commit); returns the entries offered."""
    now = now or _now()
    with transaction.atomic():
        klass = _lock_class(owner_booking_pk)
        return _offer_free_seats(klass, now)


def waitlist_claim(*, entry_id: object, now: dt.datetime | None = None) -> Booking:
    """Take the seat offered to an entry; returns the seat booking (its customer is mailed the
    confirmation as for every seat). Raises ValidationFailed when the entry holds no valid offer,
    or when the seat is gone (the entry then waits again, first in line) or the class closed
    (the entry expires)."""
    now = now or _now()
    entry = _entry(entry_id)
    with transaction.atomic():
        klass = _lock_class(entry.owner_booking_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.state == State.CLAIMED:
            raise ValidationFailed.one("entry", "already_claimed", "This seat is already yours.")
        if entry.state != State.OFFERED or entry.offer_expires_at <= now:
            raise ValidationFailed.one("entry", "offer_expired", "This offer has expired.")
        try:
            seat = seat_create(
                application=klass.application,
                owner_booking_id=klass.booking_id,
                customer_name=entry.name,
                customer_email=entry.email,
                customer_timezone=entry.timezone,
                now=now,
            )
        except ValidationFailed as exc:
            refusal = exc
            full = "class_full" in _codes(exc)
            _entry_set(entry, State.WAITING if full else State.EXPIRED, now)
        else:
            _entry_set(entry, State.CLAIMED, now, seat=seat)
            return seat
    if full:
        raise ValidationFailed.one(
            "entry",
            "seat_gone",
            "Sorry, the seat was taken meanwhile. You are still on the waitlist, first in line "
            "for the next free seat.",
        ) from refusal
    raise refusal


def waitlist_expire_offers(*, now: dt.datetime | None = None) -> int:
    """Expire the offers not claimed in time and offer their seats to the next in line (the q2
    sweep); returns the number of offers expired."""
    now = now or _now()
    due = WaitlistEntry.objects.filter(state=State.OFFERED, offer_expires_at__lte=now)
    expired = 0
    for owner_pk in sorted(set(due.values_list("owner_booking_id", flat=True))):
        with transaction.atomic():
            klass = _lock_class(owner_pk)
            expired += due.filter(owner_booking_id=owner_pk).update(
                state=State.EXPIRED, updated_at=now
            )
            _offer_free_seats(klass, now)
    return expired


def _offer_free_seats(klass: Booking, now: dt.datetime) -> list[WaitlistEntry]:
    seats = class_seats(klass)
    if not is_open(seats, now=now) or seat_request_problem(seats, seats=1, now=now):
        return []
    pending = WaitlistEntry.objects.filter(
        owner_booking=klass, state=State.OFFERED, offer_expires_at__gt=now
    ).count()
    free = seats_left(seats) - pending
    if free <= 0:
        return []
    entries = list(
        WaitlistEntry.objects.select_for_update()
        .filter(owner_booking=klass, state=State.WAITING)
        .order_by("created_at", "id")[:free]
    )
    expires = now + settings.WAITLIST_OFFER_TTL
    WaitlistEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        state=State.OFFERED, offered_at=now, offer_expires_at=expires, updated_at=now
    )
    for entry in entries:
        entry.state, entry.offered_at, entry.offer_expires_at = State.OFFERED, now, expires
        transaction.on_commit(partial(async_task, OFFER_MAIL_TASK, entry.pk), robust=True)
    return entries


def _entry_set(entry: WaitlistEntry, state: str, now: dt.datetime, seat=None) -> None:
    entry.state, entry.updated_at, entry.seat = state, now, seat
    if state == State.WAITING:
        entry.offered_at = entry.offer_expires_at = None
    entry.save(update_fields=["state", "updated_at", "seat", "offered_at", "offer_expires_at"])


def _entry(entry_id: object) -> WaitlistEntry:
    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        key = None
    entry = key and WaitlistEntry.objects.filter(entry_id=key).first()
    if not entry:
        raise ValidationFailed.one("entry", "not_found", "No such waitlist entry.")
    return entry


def _lock_class(pk: int) -> Booking:
    return Booking.objects.select_for_update().get(pk=pk)


def _codes(exc: ValidationFailed) -> set[str]:
    return {code for problems in exc.errors.values() for code, _ in problems}


def _already_waiting() -> ValidationFailed:
    return ValidationFailed.one("email", "already_waiting", "You are already on the waitlist.")


def _now() -> dt.datetime:
    return timezone.now()
