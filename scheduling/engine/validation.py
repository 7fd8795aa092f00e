"""Guards on engine inputs. The API validates first; these turn a missed check into ValueError."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from scheduling.engine import limits
from scheduling.engine.intervals import duration_seconds
from scheduling.engine.model import Buffer, Group, Interval, Member


def check_groups(groups: Sequence[Group[Member]], what: str = "groups") -> int:
    """Validate groups; return how many members they hold."""
    if not groups:
        raise ValueError(f"{what}: at least one group is required")
    if len(groups) > limits.MAX_GROUPS:
        raise ValueError(f"{what}: at most {limits.MAX_GROUPS} groups, got {len(groups)}")
    total = 0
    for group in groups:
        if not group.members:
            raise ValueError(f"{what}: a group needs at least one member")
        required = group.required
        if required is not None and (
            isinstance(required, bool)
            or not isinstance(required, int)
            or not 1 <= required <= len(group.members)
        ):
            raise ValueError(
                f"{what}: required must be None ('all') or 1..{len(group.members)}, "
                f"got {required!r}"
            )
        if not all(isinstance(member, Member) for member in group.members):
            # A query still naming MemberRequests has not been through a selector.
            raise ValueError(f"{what}: members must be loaded Members, not requests")
        subs = [member.sub for member in group.members]
        if len(set(subs)) != len(subs):
            raise ValueError(f"{what}: a group lists the same sub twice: {subs}")
        total += len(group.members)
    return total


def check_members(total: int) -> None:
    if total > limits.MAX_MEMBERS:
        raise ValueError(f"at most {limits.MAX_MEMBERS} members in all groups, got {total}")


def check_periods(periods: Sequence[Interval], what: str) -> None:
    if len(periods) > limits.MAX_QUERY_PERIODS:
        raise ValueError(f"{what}: at most {limits.MAX_QUERY_PERIODS}, got {len(periods)}")


def check_span(first: datetime, last: datetime) -> None:
    if last - first > limits.MAX_QUERY_SPAN:
        raise ValueError(
            f"the query spans {last - first}, more than the {limits.MAX_QUERY_SPAN} allowed"
        )


def check_aware(value: datetime, what: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {value!r}")


def duration(value: timedelta, what: str) -> int:
    """Seconds of a required duration: positive and at most MAX_REQUIRED_DURATION."""
    if not timedelta(0) < value <= limits.MAX_REQUIRED_DURATION:
        raise ValueError(f"{what} must be positive and at most {limits.MAX_REQUIRED_DURATION}")
    return duration_seconds(value, what)


def non_negative(value: timedelta, what: str) -> int:
    if value < timedelta(0):
        raise ValueError(f"{what} must not be negative, got {value}")
    return duration_seconds(value, what)


def buffer(value: Buffer) -> tuple[int, int]:
    return non_negative(value.before, "buffer.before"), non_negative(value.after, "buffer.after")


def start_interval(value: timedelta) -> int:
    minutes, rest = divmod(value, timedelta(minutes=1))
    if rest or minutes not in limits.ALLOWED_START_INTERVAL_MINUTES:
        raise ValueError(
            "start_interval must be a whole number of minutes that divides a day, from 5 to "
            f"1440; got {value}"
        )
    return minutes * 60


def max_results(value: int, upper: int = limits.MAX_RESULTS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        raise ValueError(f"max_results must be 1..{upper}, got {value!r}")
    return value


def whole_seconds(value: timedelta, what: str) -> int:
    return duration_seconds(value, what)
