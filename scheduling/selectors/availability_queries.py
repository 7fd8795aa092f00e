"""Availability queries: load what the engine needs in a constant number of queries, run it.

Callers build the engine's own query (engine.AvailabilityQuery or SequenceQuery) naming each member
by an engine.MemberRequest; these load the members, swap them in and run the engine. The API
(/v1/availability, /v1/sequenced_availability) and the booking pages call them alike, and map a
MembersRejected onto their own input (JSON paths, form fields).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat

from scheduling import engine
from scheduling.engine import MemberRequest
from scheduling.engine.model import WEEKDAYS
from scheduling.errors import MemberProblem, MembersRejected
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


def availability_find(
    *,
    application: Application,
    query: engine.AvailabilityQuery[MemberRequest],
    now: dt.datetime,
    only_accounts: Collection[Account] | None = None,
) -> list[engine.Available]:
    """Run an availability query for the application's accounts (or, for a query made with a
    narrower credential, for the accounts it reaches only: see load_members).

    Raises MembersRejected naming the member requests that cannot be used.
    """
    periods = query.query_periods or tuple(
        engine.Interval(start, start + query.required_duration) for start in query.query_slots or ()
    )
    members = load_members(
        application=application,
        requests=[member for group in query.groups for member in group.members],
        window=_window(periods, [query.buffer]),
        only_accounts=only_accounts,
    )
    return engine.availability(replace(query, groups=_loaded(query.groups, members), now=now))


def sequenced_availability_find(
    *,
    application: Application,
    query: engine.SequenceQuery[MemberRequest],
    now: dt.datetime,
    only_accounts: Collection[Account] | None = None,
) -> list[tuple[engine.SequenceItem, ...]]:
    """Run a sequenced availability query: one load for the members of every step."""
    requests = [m for step in query.steps for group in step.groups for m in group.members]
    # Every step lies inside the top-level query periods (a step's own periods only narrow
    # them), so those, widened by the buffers, bound the busy blocks that can matter.
    members = load_members(
        application=application,
        requests=requests,
        window=_window(query.query_periods, [step.buffer for step in query.steps]),
        only_accounts=only_accounts,
    )
    steps = tuple(replace(step, groups=_loaded(step.groups, members)) for step in query.steps)
    return engine.sequenced_availability(replace(query, steps=steps, now=now))


def _loaded(
    groups: Iterable[engine.Group[MemberRequest]], members: dict[MemberRequest, engine.Member]
) -> tuple[engine.Group[engine.Member], ...]:
    """The groups with each member request swapped for its loaded member."""
    return tuple(
        replace(group, members=tuple(members[m] for m in group.members)) for group in groups
    )


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
    not_busy: set[int]  # pks of live calendars whose events count as busy only when named
    rules: dict[str, AvailabilityRule]
    periods: list[tuple[dt.datetime, dt.datetime]]


def load_members(
    *,
    application: Application,
    requests: Sequence[MemberRequest],
    window: engine.Interval,
    only_accounts: Collection[Account] | None = None,
) -> dict[MemberRequest, engine.Member]:
    """Engine members for the member requests, loaded with at most five queries whatever their
    number.

    The members may be any accounts the application sees; with `only_accounts` only those (a
    query made with an account's access token: that account, since one account's token never
    reads another's data; with an element token: its subs). Other accounts are queried with the
    application's API key.
    Raises MembersRejected naming the request of an unknown or foreign sub, calendar or rule.
    """
    data = _load_accounts(application, requests, only_accounts)
    unique = list(dict.fromkeys(requests))  # equal requests load once, reported at the first
    managed_ids = {data[request.sub].account.pk for request in unique if request.managed}
    if managed_ids:
        _load_managed(data, managed_ids, window)
    selected = {request: _busy_calendars(request, data[request.sub]) for request in unique}
    busy = _load_busy({pk for pks in selected.values() for pk in pks}, window)
    members = {}
    for request in unique:
        account_data = data[request.sub]
        rules = _rules_for(request, account_data) if request.managed else ()
        members[request] = engine.Member(
            sub=request.sub,
            busy=[block for pk in selected[request] for block in busy.get(pk, ())],
            managed=request.managed,
            rules=tuple(_engine_rule(rule) for rule in rules),
            available_periods=account_data.periods if request.managed_availability else (),
            request_periods=request.available_periods,
        )
    return members


def _load_accounts(
    application: Application,
    requests: Sequence[MemberRequest],
    only_accounts: Collection[Account] | None,
) -> dict[str, _AccountData]:
    subs = {request.sub for request in requests}
    visible = accounts_visible_to(application=application)
    if only_accounts is not None:
        visible = visible.filter(pk__in=[account.pk for account in only_accounts])
        problem = (
            "not_accessible",
            "is not an account these credentials reach (an access token reaches its own "
            "account, an element token its subs); query other accounts with the application's "
            "API key",
        )
    else:
        problem = ("unknown_sub", "is not an account of this application")
    accounts = {a.sub: a for a in visible.filter(sub__in=subs)}
    refused = _free_busy_refused(application, accounts)
    problems = []
    for request in requests:
        if request.sub not in accounts:
            text = f"{request.sub!r} {problem[1]}"
            problems.append(MemberProblem(request, "sub", problem[0], text))
        elif request.sub in refused:
            text = f"{request.sub!r} has not allowed this application to read their free/busy time"
            problems.append(MemberProblem(request, "sub", "not_accessible", text))
    if problems:
        raise MembersRejected(problems)
    data = {sub: _AccountData(account, {}, set(), {}, []) for sub, account in accounts.items()}
    by_pk = {d.account.pk: d for d in data.values()}
    calendars = Calendar.objects.filter(account_id__in=by_pk, deleted=False).values_list(
        "account_id", "calendar_id", "pk", "counts_as_busy"
    )
    for account_id, calendar_id, pk, counts_as_busy in calendars:
        account_data = by_pk[account_id]
        account_data.calendars[calendar_id] = pk
        # The availability calendar's events are when the account is free (its available
        # periods), never busy time.
        if not counts_as_busy or pk == account_data.account.availability_calendar_id:
            account_data.not_busy.add(pk)
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


def _busy_calendars(request: MemberRequest, data: _AccountData) -> list[int]:
    """The calendars whose events count as busy for this member.

    The member's own calendar_ids when given; else, under managed availability, the union of the
    calendars its rules name (when they name any); else every live calendar of the account but
    its availability calendar and those marked not to count as busy (`counts_as_busy`). A
    calendar named explicitly (calendar_ids, or by a rule) always counts.
    """
    if request.calendar_ids is not None:
        unknown = [cid for cid in request.calendar_ids if cid not in data.calendars]
        if unknown:
            text = f"{unknown[0]!r} is not a calendar of {request.sub!r}"
            raise MembersRejected(
                [MemberProblem(request, "calendar_ids", "unknown_calendar", text)]
            )
        return [data.calendars[cid] for cid in request.calendar_ids]
    if request.managed:
        named = {cid for rule in _rules_for(request, data) for cid in rule.calendar_ids}
        if named:
            return [pk for cid, pk in data.calendars.items() if cid in named]
    return [pk for pk in data.calendars.values() if pk not in data.not_busy]


def _rules_for(request: MemberRequest, data: _AccountData) -> list[AvailabilityRule]:
    if request.availability_rule_ids is None:
        return list(data.rules.values())
    unknown = [rid for rid in request.availability_rule_ids if rid not in data.rules]
    if unknown:
        text = f"{unknown[0]!r} is not an availability rule of {request.sub!r}"
        code = "unknown_availability_rule"
        raise MembersRejected([MemberProblem(request, "availability_rule_ids", code, text)])
    return [data.rules[rid] for rid in request.availability_rule_ids]


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
                day=WEEKDAYS.index(period["day"]),
                start_minute=_minutes(period["start_time"]),
                end_minute=_minutes(period["end_time"]),
            )
            for period in rule.weekly_periods
        ),
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
