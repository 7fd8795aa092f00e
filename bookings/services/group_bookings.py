"""Classes (group_owner bookings) and their seats (group_customer bookings), never oversold.

The risk is overselling: many visitors taking the last seats of one class at once, each having
seen them free. So a seat is taken in one transaction that
1. writes the seat row and its transition (invisible to others until commit);
2. locks the class row (FOR NO KEY UPDATE; on SQLite every transaction is IMMEDIATE, so writers
   run one after another), which every seat count and every class action goes through;
3. re-checks the request against the locked row: its state, start, booking window and
   `taken_seats`, the running total of its active seats (bookings/engine/seats.py decides),
   rolling everything back on a refusal;
4. adds the seats to `taken_seats`. CHECK (taken_seats <= max_seats) refuses an oversold class
   even if the code above were wrong.
The class is held from step 2 to the commit only: that is what many visitors queue for.
Freeing seats (a seat's cancellation, the class's cancel cascading to every seat) subtracts them
under the same lock, so the counter always equals the seats of the class's confirmed seats.
Locks are taken class first, then seat: a seat action and a class cancel never wait in a cycle.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bookings.engine import graphs
from bookings.engine.seats import ClassSeats, customer_cancel_problem, seat_request_problem
from bookings.models import Booking, Project
from bookings.services.one_to_one import (
    ONE_TO_ONE,
    booking_event_id,
    booking_origin,
    double_booking_refused,
    one_to_one_enter,
    one_to_one_lock,
)
from bookings.transitions import state_entered, states_entered
from scheduling.errors import ValidationFailed
from scheduling.models import Account, Application, Calendar
from scheduling.selectors.calendars import calendar_write_problem
from scheduling.services.events import calendar_event_delete, calendar_event_write
from scheduling.timeformat import TimeValue

OVERSOLD_CONSTRAINT = "booking_seats_not_oversold"
# Leaving these states frees a seat's places in its class.
SEAT_HOLDING_STATES = frozenset({graphs.CONFIRMED})
SEAT_FREEING_STATES = frozenset({graphs.CANCELLED_BY_CUSTOMER, graphs.CANCELLED_BY_OWNER})


def class_create(
    *,
    application: Application,
    account: Account,
    start: dt.datetime,
    end: dt.datetime,
    max_seats: int,
    what: str = "",
    where: str = "",
    description: str = "",
    min_booking_time: dt.timedelta | None = None,
    max_booking_time: dt.timedelta | None = None,
    min_cancel_time: dt.timedelta | None = None,
    calendar: Calendar | None = None,
    project: Project | None = None,
    meta: dict | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Create a class in `account`'s calendar (its primary one unless given) and write its event
    there, so the core's availability sees the resource busy. `project` is the one it was made
    through (its seats inherit it; /v2/bookings/groups lists a project's classes). Raises
    ValidationFailed."""
    now = now or timezone.now()
    if max_seats < 1:
        raise ValidationFailed.one("max_seats", "below_one", "A class needs at least one seat.")
    if end <= start:
        raise ValidationFailed.one("end", "not_after_start", "The end must be after the start.")
    calendar = calendar or account.calendars.filter(primary=True).first()
    problem = "The resource has no calendar." if calendar is None else None
    problem = problem or calendar_write_problem(calendar)
    if problem:
        raise ValidationFailed.one("resource_id", "calendar_not_writable", problem)
    with transaction.atomic():
        booking = Booking.objects.create(
            application=application,
            graph=graphs.GROUP_OWNER,
            state=graphs.initial_state(graphs.GROUP_OWNER),
            account=account,
            calendar=calendar,
            start=start,
            end=end,
            what=what,
            where=where,
            description=description,
            max_seats=max_seats,
            min_booking_time=min_booking_time,
            max_booking_time=max_booking_time,
            min_cancel_time=min_cancel_time,
            project=project,
            meta=meta or {},
            created_at=now,
            updated_at=now,
        )
        booking.event = calendar_event_write(
            calendar=calendar,
            origin=_origin(booking),
            application=application,
            event_id=_event_id(booking),
            summary=what,
            description=description,
            location={"description": where} if where else None,
            start=TimeValue(start),
            end=TimeValue(end),
            now=now,
        )
        booking.save(update_fields=["event"])
        state_entered(booking=booking, now=now)
        return booking


def seat_create(
    *,
    application: Application,
    owner_booking_id: uuid.UUID | str,
    customer_name: str,
    customer_email: str,
    customer_timezone: str = "",
    seats: int = 1,
    customer_extra: dict | None = None,
    project: Project | None = None,
    meta: dict | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Take `seats` seats in the application's class `owner_booking_id` for one customer; returns
    the seat booking. `customer_extra` keeps the customer's other fields (phone, comment, custom
    keys); the seat belongs to `project`, else to its class's project. Raises ValidationFailed
    (unknown class, seats < 1, cancelled or past class, outside the booking window, not enough
    seats left), having changed nothing."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # The seat and its transition are written first, from an unlocked read of what a
            # seat copies of its class (which no service changes): no other transaction sees
            # them before commit, and a refusal below rolls them back. So the class row is
            # held only for the contended part: lock, re-check, count, commit.
            owner = _class_of(application, owner_booking_id)
            _seat_check(owner, seats, now)  # the same check, early: no doomed writes
            seat = Booking.objects.create(
                application=application,
                graph=graphs.GROUP_CUSTOMER,
                state=graphs.initial_state(graphs.GROUP_CUSTOMER),
                account_id=owner.account_id,
                calendar_id=owner.calendar_id,
                owner_booking=owner,
                start=owner.start,
                end=owner.end,
                what=owner.what,
                where=owner.where,
                seats=seats,
                customer_name=customer_name,
                customer_email=customer_email,
                customer_timezone=customer_timezone,
                customer_extra=customer_extra or {},
                project_id=project.pk if project else owner.project_id,
                meta=meta or {},
                created_at=now,
                updated_at=now,
            )
            state_entered(booking=seat, now=now)
            owner = _lock_class(application, owner_booking_id)
            _seat_check(owner, seats, now)
            Booking.objects.filter(pk=owner.pk).update(
                taken_seats=F("taken_seats") + seats, updated_at=now
            )
            return seat
    except IntegrityError as exc:
        if OVERSOLD_CONSTRAINT not in str(exc):
            raise
        # The last guard held: the class would have been oversold.
        raise ValidationFailed.one("seats", "class_full", "Not enough seats left.") from exc


def booking_action(
    *,
    application: Application,
    booking_id: uuid.UUID | str,
    action: str,
    message: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Apply `action` to the application's booking through its graph; returns it in its new
    state. A class's `cancel` moves every confirmed seat to `cancelled_by_owner` and frees them;
    a seat leaving `confirmed` frees its seats. A one-to-one booking's `confirm` re-checks its
    slot (a tentative booking did not hold it) and makes its event busy; a decline, cancellation
    or reschedule removes its event; `complete` keeps it (bookings/services/one_to_one.py).
    Raises ValidationFailed or ActionNotAllowed, having changed nothing."""
    now = now or timezone.now()
    with double_booking_refused(), transaction.atomic():
        booking = _lock_booking(application, booking_id)
        from_state = booking.state
        new_state = graphs.next_state(booking.graph, from_state, action)
        action_effects(booking, action, new_state, message, now)
        booking.state = new_state
        booking.updated_at = now
        booking.save(update_fields=["state", "updated_at", "taken_seats", "event"])
        state_entered(
            booking=booking, action=action, from_state=from_state, message=message, now=now
        )
        return booking


def action_effects(
    booking: Booking, action: str, new_state: str, message: str, now: dt.datetime
) -> None:
    """What a locked booking's `action` does besides moving its state to `new_state`."""
    if booking.graph == graphs.GROUP_CUSTOMER:
        _seat_leave(booking, action, new_state, now)
    elif booking.graph == graphs.GROUP_OWNER and new_state == graphs.CANCELLED:
        _class_cancel(booking, message, now)
    elif booking.graph in ONE_TO_ONE:
        booking.state = new_state
        one_to_one_enter(booking, now=now)


def seat_cancel(
    *,
    application: Application,
    booking_id: uuid.UUID | str,
    by_owner: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel a seat (by its customer, or by the class's owner), freeing its places."""
    action = "cancel_by_owner" if by_owner else "cancel_by_customer"
    return booking_action(application=application, booking_id=booking_id, action=action, now=now)


def class_seats(owner: Booking) -> ClassSeats:
    return ClassSeats(
        start=owner.start,
        state=owner.state,
        max_seats=owner.max_seats or 0,
        taken_seats=owner.taken_seats,
        min_booking_time=owner.min_booking_time,
        max_booking_time=owner.max_booking_time,
        min_cancel_time=owner.min_cancel_time,
    )


def _seat_check(owner: Booking, seats: int, now: dt.datetime) -> None:
    problem = seat_request_problem(class_seats(owner), seats=seats, now=now)
    if problem:
        raise ValidationFailed.one(problem.field, problem.code, problem.description)


def _class_of(application: Application, owner_booking_id, *, lock: bool = False) -> Booking:
    """The application's class, locked with `lock`. FOR NO KEY UPDATE: its updates change no
    key, and a seat being inserted holds FOR KEY SHARE on its class (the foreign key), which
    FOR UPDATE would wait for. No ORDER BY (first() would add one): one row by a unique key."""
    classes = Booking.objects.filter(
        application=application, graph=graphs.GROUP_OWNER, booking_id=owner_booking_id
    ).order_by()
    if lock:
        classes = classes.select_for_update(no_key=True)
    found = list(classes[:1])
    if not found:
        raise ValidationFailed.one("owner_booking_id", "not_found", "No such class.")
    return found[0]


def _lock_class(application: Application, owner_booking_id) -> Booking:
    return _class_of(application, owner_booking_id, lock=True)


def _lock_booking(application: Application, booking_id) -> Booking:
    """Lock the booking, its class first when it is a seat, its resource's account first when
    it is a one-to-one booking (the fixed orders)."""
    found = (
        Booking.objects.filter(application=application, booking_id=booking_id)
        .values_list("pk", "owner_booking_id", "graph", "account_id")
        .first()
    )
    if found is None:
        raise ValidationFailed.one("booking_id", "not_found", "No such booking.")
    pk, owner_pk, graph, account_id = found
    if graph in ONE_TO_ONE:
        return one_to_one_lock(pk, account_id)
    if owner_pk is not None:
        # NO KEY UPDATE, as _class_of: a seat being inserted holds KEY SHARE on its class.
        Booking.objects.select_for_update(no_key=True).filter(pk=owner_pk).values_list("pk").first()
    return Booking.objects.select_for_update().get(pk=pk)


def _seat_leave(seat: Booking, action: str, new_state: str, now: dt.datetime) -> None:
    if action == "cancel_by_customer":
        owner = Booking.objects.get(pk=seat.owner_booking_id)
        problem = customer_cancel_problem(class_seats(owner), now=now)
        if problem:
            raise ValidationFailed.one(problem.field, problem.code, problem.description)
    # A completed seat was used, not freed: only a cancellation gives its places back.
    if seat.state in SEAT_HOLDING_STATES and new_state in SEAT_FREEING_STATES:
        Booking.objects.filter(pk=seat.owner_booking_id).update(
            taken_seats=F("taken_seats") - seat.seats, updated_at=now
        )
        # The freed places go to the class's waitlist, once this change commits.
        from bookings.services.waitlist import waitlist_offer_on_commit  # it takes seats here

        waitlist_offer_on_commit(owner_booking_pk=seat.owner_booking_id)


def _class_cancel(owner: Booking, message: str, now: dt.datetime) -> None:
    """Every confirmed seat is cancelled by the owner with the class (one update, and one insert
    of their transitions, so each customer is told), and the class's event leaves the
    resource's calendar."""
    seats = list(
        Booking.objects.select_related("application", "account", "calendar", "project")
        .filter(owner_booking=owner, state__in=SEAT_HOLDING_STATES)
        .order_by("pk")
    )
    Booking.objects.filter(pk__in=[seat.pk for seat in seats]).update(
        state=graphs.CANCELLED_BY_OWNER, updated_at=now
    )
    from_states = [seat.state for seat in seats]
    for seat in seats:
        seat.state, seat.updated_at, seat.owner_booking = graphs.CANCELLED_BY_OWNER, now, owner
    states_entered(
        bookings=seats,
        action="cancel_by_owner",
        from_states=from_states,
        message=message,
        now=now,
    )
    owner.taken_seats = 0
    if owner.calendar is not None:
        calendar_event_delete(
            calendar=owner.calendar,
            origin=_origin(owner),
            application=owner.application,
            event_id=_event_id(owner),
            now=now,
        )


# A booking's event: one origin and one event id for classes and one-to-one bookings.
_origin = booking_origin
_event_id = booking_event_id
