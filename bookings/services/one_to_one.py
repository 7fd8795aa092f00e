"""One-to-one bookings (graphs `instant` and `confirm_decline`), never double-booked.

The risk is double booking: two visitors booking overlapping times of one resource at once, each
having seen them free, or an owner confirming a request whose time was taken meanwhile. So every
write that makes a booking hold time runs in one transaction that
1. locks the resource's account row (select_for_update; on SQLite every transaction is IMMEDIATE,
   so writers run one after another). Every one-to-one write of a resource goes through it first,
   then the booking row: one fixed order, so no two writers wait on each other in a cycle;
2. re-checks the slot inside the lock (`_slot_problem`): not in the past, no confirmed one-to-one
   booking and no opaque busy event (classes, API events, synced events) of the resource's live
   calendars overlapping it;
3. writes the booking and its event (through the core's event write path, so the availability
   engine sees it) and records the state it entered (bookings/transitions.py).
On PostgreSQL the exclusion constraint `booking_no_double_booking` (migration 0005) refuses two
overlapping confirmed one-to-one bookings of one resource even if the code above were wrong; its
IntegrityError becomes the same ValidationFailed as the re-check's.

A `confirm_decline` booking starts `tentative` and does not hold its time (as Timekit documents):
its event is transparent and tentative, so availability still offers the slot, and only `confirm`
re-checks and takes it.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.availability import booking_slot_problem
from bookings.engine import graphs
from bookings.models import Booking, Project
from bookings.transitions import state_entered
from scheduling.errors import ValidationFailed
from scheduling.models import Account, Application, Calendar, Event
from scheduling.selectors.calendars import calendar_write_problem
from scheduling.services.events import calendar_event_delete, calendar_event_write
from scheduling.signals import ChangeOrigin
from scheduling.timeformat import TimeValue

ONE_TO_ONE = frozenset({graphs.INSTANT, graphs.CONFIRM_DECLINE})
DOUBLE_BOOKING_CONSTRAINT = "booking_no_double_booking"
# Entering these states gives the time back: the booking's event leaves the calendar.
TIME_FREEING_STATES = frozenset(
    {
        graphs.DECLINED,
        graphs.CANCELLED,
        graphs.CANCELLED_BY_CUSTOMER,
        graphs.RESCHEDULED_BY_CUSTOMER,
    }
)
CUSTOMER_FIELDS = ("name", "email", "timezone")


def booking_create(
    *,
    application: Application,
    account: Account,
    graph: str,
    start: dt.datetime,
    end: dt.datetime,
    what: str = "",
    where: str = "",
    description: str = "",
    customer: dict,
    project: Project | None = None,
    meta: dict | None = None,
    calendar: Calendar | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book `account` (a resource) from `start` to `end` for `customer` ({name, email, timezone,
    + extra keys kept in `customer_extra`}), in `calendar` (the resource's primary one unless
    given). `instant` enters `confirmed` and holds the time; `confirm_decline` enters `tentative`
    and does not. Raises ValidationFailed (unknown graph, end not after start, calendar not
    writable, slot not available), having changed nothing."""
    now = now or timezone.now()
    if graph not in ONE_TO_ONE:
        raise ValidationFailed.one(
            "graph", "not_one_to_one", "Only instant and confirm_decline are one-to-one graphs."
        )
    if end <= start:
        raise ValidationFailed.one("end", "not_after_start", "The end must be after the start.")
    calendar = _target_calendar(account, calendar)
    customer = dict(customer)
    values = {field: customer.pop(field, "") or "" for field in CUSTOMER_FIELDS}
    with double_booking_refused(), transaction.atomic():
        _lock_accounts([account.pk])
        return _create(
            application=application,
            account=account,
            calendar=calendar,
            graph=graph,
            start=start,
            end=end,
            now=now,
            what=what,
            where=where,
            description=description,
            customer_name=values["name"],
            customer_email=values["email"],
            customer_timezone=values["timezone"],
            customer_extra=customer,
            project=project,
            meta=meta or {},
        )


def booking_reschedule(
    *,
    application: Application,
    booking_id: uuid.UUID | str,
    start: dt.datetime,
    end: dt.datetime,
    account: Account | None = None,
    message: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Move the application's confirmed one-to-one booking to a new time (and resource, when
    `account` is given): the old booking takes `reschedule_by_customer` (its event leaves the
    calendar) and a new booking of the same graph, customer, project and what is made for the new
    time, re-checked as a new booking would be, with `rescheduled_from` set. One transaction;
    returns the new booking. Raises ValidationFailed or ActionNotAllowed, having changed
    nothing."""
    now = now or timezone.now()
    if end <= start:
        raise ValidationFailed.one("end", "not_after_start", "The end must be after the start.")
    found = _one_to_one_found(application, booking_id)
    old_account_id = found["account_id"]
    target = account or Account.objects.get(pk=old_account_id)
    calendar = _reschedule_calendar(target, found["calendar_id"])
    with double_booking_refused(), transaction.atomic():
        _lock_accounts([old_account_id, target.pk])
        old = Booking.objects.select_for_update().get(pk=found["pk"])
        from_state = old.state
        old.state = graphs.next_state(old.graph, from_state, "reschedule_by_customer")
        # The old booking leaves first, so its own time is free for the new one (the
        # re-check and, on PostgreSQL, the exclusion constraint no longer see it).
        one_to_one_enter(old, now=now)
        old.updated_at = now
        old.save(update_fields=["state", "updated_at"])
        state_entered(
            booking=old,
            action="reschedule_by_customer",
            from_state=from_state,
            message=message,
            now=now,
        )
        return _create(
            application=application,
            account=target,
            calendar=calendar,
            graph=old.graph,
            start=start,
            end=end,
            now=now,
            what=old.what,
            where=old.where,
            description=old.description,
            customer_id=old.customer_id,
            customer_name=old.customer_name,
            customer_email=old.customer_email,
            customer_timezone=old.customer_timezone,
            customer_extra=old.customer_extra,
            project=old.project,
            meta=old.meta,
            rescheduled_from=old,
        )


def one_to_one_lock(booking_pk: int, account_id: int) -> Booking:
    """Lock a one-to-one booking for an action: its resource's account first (the order every
    one-to-one write takes), then the booking."""
    _lock_accounts([account_id])
    return Booking.objects.select_for_update().get(pk=booking_pk)


def one_to_one_enter(booking: Booking, *, now: dt.datetime) -> None:
    """The side effects of a locked one-to-one booking entering `booking.state` (already set, not
    yet saved) through an action: `confirmed` (confirm) re-checks the slot, which a tentative
    booking did not hold, and makes its event opaque; a decline, cancellation or reschedule
    removes the event, freeing the time; `completed` keeps it."""
    if booking.state == graphs.CONFIRMED:
        problem = _slot_problem(
            account=booking.account,
            start=booking.start,
            end=booking.end,
            project=booking.project,
            now=now,
        )
        if problem:
            raise ValidationFailed.one("start", "not_available", problem)
        if booking.calendar is not None:
            booking.event = _event_write(booking, now)
    elif booking.state in TIME_FREEING_STATES and booking.calendar is not None:
        calendar_event_delete(
            calendar=booking.calendar,
            origin=booking_origin(booking),
            application=booking.application,
            event_id=booking_event_id(booking),
            now=now,
        )


@contextmanager
def double_booking_refused() -> Iterator[None]:
    """Turns the PostgreSQL guard's refusal (the exclusion constraint) into the re-check's
    ValidationFailed; lets every other IntegrityError through. Wraps the write's atomic block,
    so the failed transaction (or savepoint) is rolled back first."""
    try:
        yield
    except IntegrityError as exc:
        if _constraint_name(exc) != DOUBLE_BOOKING_CONSTRAINT:
            raise
        raise ValidationFailed.one(
            "start", "not_available", "The time was just booked by someone else."
        ) from exc


def booking_origin(booking: Booking) -> ChangeOrigin:
    return ChangeOrigin.booking(
        application_id=booking.application_id, booking_id=str(booking.booking_id)
    )


def booking_event_id(booking: Booking) -> str:
    """The event id a booking's event has in its application's calendar writes."""
    return f"booking_{booking.booking_id}"


def _slot_problem(
    *,
    account: Account,
    start: dt.datetime,
    end: dt.datetime,
    project: Project | None,
    now: dt.datetime,
) -> str | None:
    """Why `account` cannot be booked from `start` to `end` now, or None. Called inside the
    account's lock. A confirmed one-to-one booking holds its time even if its event was removed
    from the calendar meanwhile (the exclusion constraint says the same); the rest is Timekit's
    availability: not past, allowed by the resource's and the project's constraints, no busy
    event within the project's buffer (tentative bookings' events are transparent: they never
    block)."""
    booked = Booking.objects.filter(
        account=account,
        graph__in=ONE_TO_ONE,
        state=graphs.CONFIRMED,
        start__lt=end,
        end__gt=start,
    )
    if booked.exists():
        return "The resource is already booked at that time."
    return booking_slot_problem(account=account, start=start, end=end, project=project, now=now)


def _create(*, application, account, calendar, graph, start, end, now, **fields) -> Booking:
    """Inside the account's lock: re-check when the booking will hold the time, then write the
    booking, its event, and the state it entered."""
    state = graphs.initial_state(graph)
    problem = _slot_problem(
        account=account,
        start=start,
        end=end,
        project=fields.get("project"),
        now=now,
    )
    if problem:
        raise ValidationFailed.one("start", "not_available", problem)
    booking = Booking.objects.create(
        application=application,
        graph=graph,
        state=state,
        account=account,
        calendar=calendar,
        start=start,
        end=end,
        created_at=now,
        updated_at=now,
        **fields,
    )
    booking.event = _event_write(booking, now)
    booking.save(update_fields=["event"])
    state_entered(booking=booking, now=now)
    return booking


def _event_write(booking: Booking, now: dt.datetime) -> Event:
    """The booking's event in its calendar: busy once confirmed; transparent and tentative while
    tentative, so the core availability does not count it (it does not hold the time)."""
    held = booking.state == graphs.CONFIRMED
    return calendar_event_write(
        calendar=booking.calendar,
        origin=booking_origin(booking),
        application=booking.application,
        event_id=booking_event_id(booking),
        summary=booking.what,
        description=booking.description,
        location={"description": booking.where} if booking.where else None,
        start=TimeValue(booking.start),
        end=TimeValue(booking.end),
        transparency=Event.Transparency.OPAQUE if held else Event.Transparency.TRANSPARENT,
        status=Event.Status.CONFIRMED if held else Event.Status.TENTATIVE,
        now=now,
    )


def _target_calendar(account: Account, calendar: Calendar | None) -> Calendar:
    if calendar is not None and calendar.account_id != account.pk:
        raise ValidationFailed.one(
            "calendar_id", "not_found", "The calendar is not one of the resource's."
        )
    calendar = calendar or account.calendars.filter(primary=True, deleted=False).first()
    problem = "The resource has no calendar." if calendar is None else None
    problem = problem or calendar_write_problem(calendar)
    if problem:
        raise ValidationFailed.one("resource_id", "calendar_not_writable", problem)
    calendar.account = account  # the same row: spares the event write a query for it
    return calendar


def _reschedule_calendar(account: Account, calendar_pk: int | None) -> Calendar:
    """The old booking's calendar when it is the resource's and still writable, else the
    resource's primary calendar."""
    previous = Calendar.objects.filter(pk=calendar_pk, account=account).first()
    if previous is not None and calendar_write_problem(previous) is None:
        return _target_calendar(account, previous)
    return _target_calendar(account, None)


def _one_to_one_found(application: Application, booking_id) -> dict:
    found = (
        Booking.objects.filter(application=application, booking_id=booking_id, graph__in=ONE_TO_ONE)
        .values("pk", "account_id", "calendar_id")
        .first()
    )
    if found is None:
        raise ValidationFailed.one("booking_id", "not_found", "No such one-to-one booking.")
    return found


def _lock_accounts(account_ids) -> None:
    """Lock the accounts' rows in primary-key order (a fixed order)."""
    list(
        Account.objects.select_for_update()
        .filter(pk__in=sorted(set(account_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _constraint_name(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
