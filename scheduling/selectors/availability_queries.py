"""Availability queries: load what the engine needs in a constant number of queries, run it.

The API (/v1/availability, /v1/sequenced_availability) and the booking pages call these; they differ
only in how they present the results.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat

from scheduling import engine
from scheduling.errors import ValidationFailed
from scheduling.models import (
    Account,
    Application,
    AvailabilityRule,
    AvailablePeriod,
    Calendar,
    Event,
    Grant,
)
from scheduling.scopes import can_read_free_busy, parse_scope
from scheduling.selectors.access import accounts_visible_to

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class MemberSpec:
    """One member as the request names it; `field` is its path for error messages."""

    sub: str
    field: str
    calendar_ids: tuple[str, ...] | None = None
    available_periods: tuple[engine.Interval, ...] | None = None
    managed_availability: bool = False
    availability_rule_ids: tuple[str, ...] | None = None

    @property
    def managed(self) -> bool:
        return self.managed_availability or self.availability_rule_ids is not None


@dataclass(frozen=True)
class GroupSpec:
    members: tuple[MemberSpec, ...]
    required: int | None  # None: all


@dataclass(frozen=True)
class AvailabilityRequest:
    groups: tuple[GroupSpec, ...]
    required_duration: dt.timedelta
    query_periods: tuple[engine.Interval, ...] = ()
    query_slots: tuple[dt.datetime, ...] | None = None
    buffer: engine.Buffer = field(default_factory=engine.Buffer)
    start_interval: dt.timedelta = dt.timedelta(minutes=15)
    minimum_notice: dt.timedelta = dt.timedelta(0)
    response_format: str = "periods"
    max_results: int = engine.limits.DEFAULT_MAX_RESULTS


@dataclass(frozen=True)
class StepSpec:
    sequence_id: str
    ordinal: int
    groups: tuple[GroupSpec, ...]
    required_duration: dt.timedelta
    start_interval: dt.timedelta
    buffer: engine.Buffer
    gap_before: engine.Gap
    gap_after: engine.Gap
    query_periods: tuple[engine.Interval, ...] | None = None


@dataclass(frozen=True)
class SequenceRequest:
    steps: tuple[StepSpec, ...]
    query_periods: tuple[engine.Interval, ...]
    minimum_notice: dt.timedelta = dt.timedelta(0)
    max_results: int = engine.limits.DEFAULT_MAX_SEQUENCES


def availability_find(
    *,
    application: Application,
    request: AvailabilityRequest,
    now: dt.datetime,
    only_account: Account | None = None,
) -> list[engine.Available]:
    """Run an availability query for the application's accounts (or, for a query made with an
    account's access token, for that account only: see load_members)."""
    periods = request.query_periods or tuple(
        engine.Interval(start, start + request.required_duration)
        for start in request.query_slots or ()
    )
    members = load_members(
        application=application,
        specs=[member for group in request.groups for member in group.members],
        window=_window(periods, [request.buffer]),
        only_account=only_account,
    )
    query = engine.AvailabilityQuery(
        groups=tuple(
            engine.Group(tuple(members[m] for m in group.members), group.required)
            for group in request.groups
        ),
        query_periods=periods,
        required_duration=request.required_duration,
        now=now,
        buffer=request.buffer,
        start_interval=request.start_interval,
        minimum_notice=request.minimum_notice,
        max_results=request.max_results,
        response_format=request.response_format,
        query_slots=request.query_slots,
    )
    return engine.availability(query)


def sequenced_availability_find(
    *,
    application: Application,
    request: SequenceRequest,
    now: dt.datetime,
    only_account: Account | None = None,
) -> list[tuple[engine.SequenceItem, ...]]:
    """Run a sequenced availability query: one load for the members of every step."""
    specs = [m for step in request.steps for group in step.groups for m in group.members]
    # Every step lies inside the top-level query periods (a step's own periods only narrow
    # them), so those, widened by the buffers, bound the busy blocks that can matter.
    members = load_members(
        application=application,
        specs=specs,
        window=_window(request.query_periods, [step.buffer for step in request.steps]),
        only_account=only_account,
    )
    steps = tuple(
        engine.Step(
            sequence_id=step.sequence_id,
            ordinal=step.ordinal,
            groups=tuple(
                engine.Group(tuple(members[m] for m in group.members), group.required)
                for group in step.groups
            ),
            required_duration=step.required_duration,
            start_interval=step.start_interval,
            buffer=step.buffer,
            gap_before=step.gap_before,
            gap_after=step.gap_after,
            query_periods=step.query_periods,
        )
        for step in request.steps
    )
    query = engine.SequenceQuery(
        steps=steps,
        query_periods=request.query_periods,
        now=now,
        minimum_notice=request.minimum_notice,
        max_results=request.max_results,
    )
    return engine.sequenced_availability(query)


def _window(
    periods: Iterable[engine.Interval], buffers: Iterable[engine.Buffer]
) -> engine.Interval:
    """The span whose busy blocks can matter: the query periods widened by the largest buffers."""
    periods = list(periods)
    buffers = list(buffers)
    before = max((b.before for b in buffers), default=dt.timedelta(0))
    after = max((b.after for b in buffers), default=dt.timedelta(0))
    return engine.Interval(
        min(p.start for p in periods) - before, max(p.end for p in periods) + after
    )


@dataclass
class _AccountData:
    account: Account
    calendars: dict[str, int]  # public calendar_id -> pk, live calendars only
    rules: dict[str, AvailabilityRule]
    periods: list[tuple[dt.datetime, dt.datetime]]


def load_members(
    *,
    application: Application,
    specs: Sequence[MemberSpec],
    window: engine.Interval,
    only_account: Account | None = None,
) -> dict[MemberSpec, engine.Member]:
    """Engine members for `specs`, loaded with at most five queries whatever their number.

    The members may be any accounts the application sees; with `only_account` (a query made with
    that account's access token) only that account, since one account's token never reads
    another's data: other accounts are queried with the application's API key.
    Raises ValidationFailed naming the field of an unknown or foreign sub, calendar or rule.
    """
    data = _load_accounts(application, specs, only_account)
    managed_ids = {data[spec.sub].account.pk for spec in specs if spec.managed}
    if managed_ids:
        _load_managed(data, managed_ids, window)
    selected = {spec: _busy_calendars(spec, data[spec.sub]) for spec in specs}
    busy = _load_busy({pk for pks in selected.values() for pk in pks}, window)
    members = {}
    for spec in specs:
        account_data = data[spec.sub]
        rules = _rules_for(spec, account_data) if spec.managed else ()
        members[spec] = engine.Member(
            sub=spec.sub,
            busy=[block for pk in selected[spec] for block in busy.get(pk, ())],
            managed=spec.managed,
            rules=tuple(_engine_rule(rule) for rule in rules),
            available_periods=account_data.periods if spec.managed_availability else (),
            request_periods=spec.available_periods,
        )
    return members


def _load_accounts(
    application: Application, specs: Sequence[MemberSpec], only_account: Account | None
) -> dict[str, _AccountData]:
    subs = {spec.sub for spec in specs}
    visible = accounts_visible_to(application=application)
    if only_account is not None:
        visible = visible.filter(pk=only_account.pk)
        problem = (
            "not_accessible",
            "is not this access token's account; query other accounts "
            "with the application's API key",
        )
    else:
        problem = ("unknown_sub", "is not an account of this application")
    accounts = {a.sub: a for a in visible.filter(sub__in=subs)}
    refused = _free_busy_refused(application, accounts)
    errors = {}
    for spec in specs:
        if spec.sub not in accounts:
            errors[f"{spec.field}.sub"] = [(problem[0], f"{spec.sub!r} {problem[1]}")]
        elif spec.sub in refused:
            text = f"{spec.sub!r} has not allowed this application to read their free/busy time"
            errors[f"{spec.field}.sub"] = [("not_accessible", text)]
    if errors:
        raise ValidationFailed(errors)
    data = {sub: _AccountData(account, {}, {}, []) for sub, account in accounts.items()}
    by_pk = {d.account.pk: d for d in data.values()}
    calendars = Calendar.objects.filter(account_id__in=by_pk, deleted=False).values_list(
        "account_id", "calendar_id", "pk"
    )
    for account_id, calendar_id, pk in calendars:
        by_pk[account_id].calendars[calendar_id] = pk
    return data


def _free_busy_refused(application: Application, accounts: dict[str, Account]) -> set[str]:
    """Subs of the people whose grant to the application does not cover reading free/busy: an
    application sees its own calendars and resources, but a person's busy time only when they
    allowed it (read_free_busy or read_events). One query, and only when people are members."""
    people = {a.pk: sub for sub, a in accounts.items() if a.application_id != application.pk}
    if not people:
        return set()
    grants = Grant.objects.filter(
        application=application, account_id__in=people, revoked_at__isnull=True
    ).values_list("account_id", "scope")
    allowed = {account_id for account_id, scope in grants if can_read_free_busy(parse_scope(scope))}
    return {sub for pk, sub in people.items() if pk not in allowed}


def _load_managed(
    data: dict[str, _AccountData], account_ids: set[int], window: engine.Interval
) -> None:
    by_pk = {d.account.pk: d for d in data.values()}
    for rule in AvailabilityRule.objects.filter(account_id__in=account_ids):
        by_pk[rule.account_id].rules[rule.availability_rule_id] = rule
    periods = AvailablePeriod.objects.filter(
        account_id__in=account_ids, start__lt=window.end, end__gt=window.start
    ).values_list("account_id", "start", "end")
    for account_id, start, end in periods:
        by_pk[account_id].periods.append((start, end))


def _busy_calendars(spec: MemberSpec, data: _AccountData) -> list[int]:
    """The calendars whose events count as busy for this member.

    The member's own calendar_ids when given; else, under managed availability, the union of the
    calendars its rules name (when they name any); else every live calendar of the account.
    """
    if spec.calendar_ids is not None:
        unknown = [cid for cid in spec.calendar_ids if cid not in data.calendars]
        if unknown:
            raise ValidationFailed.one(
                f"{spec.field}.calendar_ids",
                "unknown_calendar",
                f"{unknown[0]!r} is not a calendar of {spec.sub!r}",
            )
        return [data.calendars[cid] for cid in spec.calendar_ids]
    if spec.managed:
        named = {cid for rule in _rules_for(spec, data) for cid in rule.calendar_ids}
        if named:
            return [pk for cid, pk in data.calendars.items() if cid in named]
    return list(data.calendars.values())


def _rules_for(spec: MemberSpec, data: _AccountData) -> list[AvailabilityRule]:
    if spec.availability_rule_ids is None:
        return list(data.rules.values())
    unknown = [rid for rid in spec.availability_rule_ids if rid not in data.rules]
    if unknown:
        raise ValidationFailed.one(
            f"{spec.field}.availability_rule_ids",
            "unknown_availability_rule",
            f"{unknown[0]!r} is not an availability rule of {spec.sub!r}",
        )
    return [data.rules[rid] for rid in spec.availability_rule_ids]


def _load_busy(calendar_pks: set[int], window: engine.Interval) -> dict[int, list]:
    """Opaque, live, not-cancelled events overlapping the window, grouped by calendar pk."""
    if not calendar_pks:
        return {}
    events = Event.objects.filter(
        calendar_id__in=calendar_pks,
        start__lt=window.end,
        end__gt=window.start,
        deleted=False,
        transparency=Event.Transparency.OPAQUE,
    ).exclude(status=Event.Status.CANCELLED)
    busy: dict[int, list] = defaultdict(list)
    for calendar_pk, start, end in event_spans(events):
        busy[calendar_pk].append((start, end))
    return busy


def event_spans(events: QuerySet[Event]) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """(calendar pk, start, end) of the events, ordered by start, as aware UTC datetimes.

    The hot path of every availability query: tens of thousands of rows. The ORM builds the SQL;
    the rows skip Django's per-value converters, which cost more than the query itself. SQLite
    stores datetimes as ISO text in UTC, read here with a "+00:00" suffix and parsed by
    datetime.fromisoformat (C); PostgreSQL drivers already return aware UTC datetimes.
    """
    events = events.order_by("start")
    if connection.vendor == "sqlite":
        as_text = {
            name: Concat(Cast(name, TextField()), Value("+00:00"), output_field=TextField())
            for name in ("start", "end")
        }
        events = events.annotate(text_start=as_text["start"], text_end=as_text["end"])
        rows = _fetch(events.values_list("calendar_id", "text_start", "text_end"))
        parse = dt.datetime.fromisoformat
        return [(calendar_pk, parse(start), parse(end)) for calendar_pk, start, end in rows]
    if connection.vendor == "postgresql":
        return _fetch(events.values_list("calendar_id", "start", "end"))
    return list(events.values_list("calendar_id", "start", "end"))


def _fetch(values: QuerySet) -> list[tuple]:
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _engine_rule(rule: AvailabilityRule) -> engine.Rule:
    return engine.Rule(
        tzid=rule.tzid,
        weekly_periods=tuple(
            engine.WeeklyPeriod(
                day=_DAYS.index(period["day"]),
                start_minute=_minutes(period["start_time"]),
                end_minute=_minutes(period["end_time"]),
            )
            for period in rule.weekly_periods
        ),
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
