"""The calendar half of the fake Google (tests/fakes/google.py): one calendar's events, its change
log for sync tokens, recurrence expansion, and Google's error bodies. No HTTP here; the caller
holds the fake's lock.

As Google documents (https://developers.google.com/calendar/api/v3/reference/events):
- a deleted event stays, with status "cancelled"; deleting it again answers 410 "deleted";
- with singleEvents=true a recurring event lists as instances with `recurringEventId` and
  `originalStartTime`, ids `{series}_{original start in UTC}` (`20261026T080000Z`, all-day
  `20261026`); a changed or cancelled instance is an exception stored under that id;
- timeMin bounds an event's end and timeMax its start, both exclusive;
- a sync token is a position in the calendar's change log; an incremental list returns every event
  changed since, deletions as cancelled items, and a series whose occurrences moved also lists its
  vanished instances as cancelled.
"""

import base64
import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule

DEFAULT_HORIZON = dt.timedelta(days=730)  # expansion bound when a list names no window
MAX_INSTANCES = 5000
UTC = dt.UTC
UNTIL_DATE = re.compile(r"UNTIL=(\d{8})(?=;|$)")


class ApiError(Exception):
    """An answer in Google's JSON error shape: {"error": {"errors": [...], "code", "message"}}."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        *,
        domain: str = "global",
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.headers = code, headers or {}
        detail = {"domain": domain, "reason": reason, "message": message, **(extra or {})}
        self.body: dict[str, Any] = {"errors": [detail], "code": code, "message": message}
        if code == 401:
            self.body["status"] = "UNAUTHENTICATED"

    def json(self) -> bytes:
        return json.dumps({"error": self.body}).encode()


def not_found() -> ApiError:
    return ApiError(404, "notFound", "Not Found")


def new_id() -> str:
    """26 characters of base32hex (hex is a subset), as Google's generated event ids."""
    return secrets.token_hex(13)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Stored:
    """One stored event resource (single, series master or instance exception) and what listing
    needs of it, computed once per write."""

    resource: dict[str, Any]
    start: dt.datetime  # UTC
    end: dt.datetime
    json: bytes

    @property
    def is_master(self) -> bool:
        return bool(self.resource.get("recurrence"))

    @property
    def is_exception(self) -> bool:
        return "recurringEventId" in self.resource


@dataclass
class Calendar:
    id: str
    owner: str
    summary: str
    primary: bool = False
    access_role: str = "owner"
    time_zone: str = "UTC"
    events: dict[str, Stored] = field(default_factory=dict)
    # (event id, the resource before the change or None): a sync token is a position in it.
    log: list[tuple[str, dict | None]] = field(default_factory=list)
    epoch: int = 0  # bumped to invalidate every sync token issued so far
    resource_id: str = field(default_factory=lambda: secrets.token_urlsafe(20))

    @property
    def writable(self) -> bool:
        return self.access_role in {"owner", "writer"}

    def list_entry(self) -> dict[str, Any]:
        entry = {
            "kind": "calendar#calendarListEntry",
            "etag": f'"{self.epoch}{len(self.log)}"',
            "id": self.id,
            "summary": self.summary,
            "timeZone": self.time_zone,
            "accessRole": self.access_role,
            "defaultReminders": [],
        }
        if self.primary:
            entry["primary"] = True
        return entry

    # --- writes -------------------------------------------------------------------------------

    def store(self, resource: dict[str, Any], *, now: dt.datetime) -> dict[str, Any]:
        """Insert or replace `resource` (Google-shaped, `id` optional), logging the change."""
        _check_times(resource)
        event_id = resource.get("id") or new_id()
        previous = self.events.get(event_id)
        full = {
            "kind": "calendar#event",
            "status": "confirmed",
            **resource,
            "id": event_id,
            "etag": f'"{now.timestamp():.0f}{len(self.log)}"',
            "created": previous.resource["created"] if previous else iso(now),
            "updated": iso(now),
            "iCalUID": resource.get("iCalUID") or f"{event_id}@google.com",
            "sequence": previous.resource.get("sequence", 0) + 1 if previous else 0,
            "organizer": {"email": self.id, "self": True},
        }
        self._put(full, previous.resource if previous else None)
        return full

    def cancel(self, event_id: str, *, now: dt.datetime) -> None:
        """Delete: the event stays as "cancelled"; an instance becomes a cancelled exception."""
        stored = self.events.get(event_id)
        if stored is None:
            master, key = self._instance_parts(event_id)
            resource = instance(master.resource, key, self.time_zone)
            self._put({**resource, "status": "cancelled", "updated": iso(now)}, None)
            return
        if stored.resource.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        self._put({**stored.resource, "status": "cancelled", "updated": iso(now)}, stored.resource)

    def get(self, event_id: str) -> dict[str, Any]:
        stored = self.events.get(event_id)
        if stored is not None:
            return stored.resource
        master, key = self._instance_parts(event_id)
        return instance(master.resource, key, self.time_zone)

    def _instance_parts(self, event_id: str) -> tuple[Stored, str]:
        series, _, key = event_id.rpartition("_")
        master = self.events.get(series)
        if not series or master is None or not master.is_master:
            raise not_found()
        return master, key

    def _put(self, resource: dict[str, Any], previous: dict | None) -> None:
        start, end = bounds(resource, self.time_zone)
        raw = json.dumps(resource, separators=(",", ":")).encode()
        self.events[resource["id"]] = Stored(resource, start, end, raw)
        self.log.append((resource["id"], previous))

    # --- reads --------------------------------------------------------------------------------

    def sync_token(self, window: tuple[str, str] | None) -> str:
        state = {"c": self.id, "e": self.epoch, "p": len(self.log), "w": window}
        return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()

    def read_sync_token(self, token: str) -> tuple[int, tuple[str, str] | None]:
        """(log position, window) of a token; 410 fullSyncRequired when it is no longer valid."""
        try:
            state = json.loads(base64.urlsafe_b64decode(token.encode()))
            valid = state["c"] == self.id and state["e"] == self.epoch
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            message = "Sync token is no longer valid, a full sync is required."
            raise ApiError(410, "fullSyncRequired", message)
        return state["p"], state["w"]

    def full_list(
        self, window: tuple[dt.datetime | None, dt.datetime | None], *, single: bool, deleted: bool
    ) -> list[bytes]:
        """Every event overlapping `window`, series expanded when `single`, in start order."""
        low, high = window
        found: list[tuple[dt.datetime, bytes]] = []
        for stored in self.events.values():
            cancelled = stored.resource.get("status") == "cancelled"
            if (cancelled and not deleted) or (single and stored.is_exception):
                continue
            if single and stored.is_master and not cancelled:
                for start, resource in self.instances(stored.resource, window, deleted=deleted):
                    found.append((start, _dump(resource)))
            elif (high is None or stored.start < high) and (
                low is None or stored.end > low or stored.is_master
            ):
                found.append((stored.start, stored.json))
        found.sort(key=lambda pair: pair[0])
        return [raw for _, raw in found]

    def changes_since(
        self, position: int, window: tuple[dt.datetime | None, dt.datetime | None], *, single: bool
    ) -> list[bytes]:
        """What changed after `position`, each event once, deletions as cancelled items."""
        changed: dict[str, list[dict | None]] = {}
        for event_id, previous in self.log[position:]:
            changed.setdefault(event_id, []).append(previous)
        items: dict[str, bytes] = {}
        for event_id, previous_versions in changed.items():
            stored = self.events[event_id]
            if not single or not stored.is_master or stored.resource["status"] == "cancelled":
                # An exception also listed by its changed series' expansion stays listed once.
                items.setdefault(event_id, stored.json)
                continue
            current = [
                resource for _, resource in self.instances(stored.resource, window, deleted=True)
            ]
            items.update((resource["id"], _dump(resource)) for resource in current)
            now_ids = {resource["id"] for resource in current}
            for old in previous_versions:
                if old is None or not old.get("recurrence"):
                    continue
                for _, resource in self.instances(old, window, deleted=False):
                    if resource["id"] not in now_ids:
                        items.setdefault(resource["id"], _dump({**resource, "status": "cancelled"}))
        return list(items.values())

    def instances(
        self,
        master: dict[str, Any],
        window: tuple[dt.datetime | None, dt.datetime | None],
        *,
        deleted: bool,
    ) -> list[tuple[dt.datetime, dict[str, Any]]]:
        """The series' instances overlapping `window` (exceptions applied), in start order."""
        start, end = bounds(master, self.time_zone)
        zone = _zone(master, self.time_zone)
        first = start.astimezone(zone)
        if "date" in master["start"]:
            first = dt.datetime.combine(
                dt.date.fromisoformat(master["start"]["date"]), dt.time(), tzinfo=UTC
            )
        duration = end - start
        low = (window[0] or start) - duration
        high = window[1] or (start + DEFAULT_HORIZON)
        rules = _rules(master["recurrence"], first)
        found = []
        for local_start in rules.xafter(low, count=MAX_INSTANCES, inc=False):
            if local_start >= high:
                break
            key = _key(local_start, all_day="date" in master["start"])
            exception = self.events.get(f"{master['id']}_{key}")
            resource = exception.resource if exception else instance(master, key, self.time_zone)
            if resource.get("status") == "cancelled" and not deleted:
                continue
            found.append((local_start.astimezone(UTC), resource))
        return found


def instance(master: dict[str, Any], key: str, calendar_zone: str) -> dict[str, Any]:
    """The instance of `master` whose original start has the UTC key `key`."""
    start, end = bounds(master, calendar_zone)
    extra = {k: v for k, v in master.items() if k not in {"recurrence", "id", "start", "end"}}
    if "date" in master["start"]:
        day = dt.datetime.strptime(key, "%Y%m%d").replace(tzinfo=UTC).date()
        span = dt.date.fromisoformat(master["end"]["date"]) - dt.date.fromisoformat(
            master["start"]["date"]
        )
        when = {"date": day.isoformat()}
        times = {
            "start": when,
            "end": {"date": (day + span).isoformat()},
            "originalStartTime": when,
        }
    else:
        zone_name = master["start"].get("timeZone") or calendar_zone
        moment = dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        local = moment.astimezone(ZoneInfo(zone_name))
        when = {"dateTime": local.isoformat(), "timeZone": zone_name}
        finish = (moment + (end - start)).astimezone(ZoneInfo(zone_name))
        times = {
            "start": when,
            "end": {"dateTime": finish.isoformat(), "timeZone": zone_name},
            "originalStartTime": when,
        }
    return {**extra, "id": f"{master['id']}_{key}", "recurringEventId": master["id"], **times}


def bounds(resource: dict[str, Any], calendar_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """Start and end in UTC; all-day dates are midnights in the calendar's zone."""
    return _moment(resource["start"], calendar_zone), _moment(resource["end"], calendar_zone)


def _moment(when: dict[str, str], calendar_zone: str) -> dt.datetime:
    if "date" in when:
        day = dt.date.fromisoformat(when["date"])
        return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(calendar_zone)).astimezone(UTC)
    moment = dt.datetime.fromisoformat(when["dateTime"])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(when.get("timeZone") or calendar_zone))
    return moment.astimezone(UTC)


def _zone(resource: dict[str, Any], calendar_zone: str) -> ZoneInfo:
    return ZoneInfo(resource["start"].get("timeZone") or calendar_zone)


def _key(local_start: dt.datetime, *, all_day: bool) -> str:
    if all_day:
        return local_start.strftime("%Y%m%d")
    return local_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rules(recurrence: list[str], first: dt.datetime) -> rrule.rruleset:
    """The series' rule set from its RFC 5545 lines, starting at its first local start. A date
    UNTIL (all-day series) means through that day: dateutil wants UTC with an aware start."""
    lines = [UNTIL_DATE.sub(r"UNTIL=\1T235959Z", line) for line in recurrence]
    return rrule.rrulestr("\n".join(lines), dtstart=first, forceset=True)


def _check_times(resource: dict[str, Any]) -> None:
    if resource.get("status") == "cancelled":
        return
    if resource.get("recurrence"):
        try:
            _rules(resource["recurrence"], dt.datetime.now(UTC))
        except (ValueError, TypeError) as error:
            raise ApiError(400, "invalid", "Invalid recurrence rule.") from error
    for side in ("start", "end"):
        when = resource.get(side) or {}
        if "date" not in when and "dateTime" not in when:
            raise ApiError(400, "required", f"Missing {side} time.")
    start, end = bounds(resource, "UTC")
    if end < start:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")


def _dump(resource: dict[str, Any]) -> bytes:
    return json.dumps(resource, separators=(",", ":")).encode()
