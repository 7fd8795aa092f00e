"""POST /v2/availability: Timekit's availability (reference 1.5), answered by
bookings/availability.py and the core engine.

The body names a `project_id` (its stored `availability` settings and its resources, in order,
are inherited; the request's own fields override them) or carries the settings inline. Times
come back in `output_timezone` (else the `Timekit-Timezone` header, else UTC), sorted by start.

Timekit's wire values parsed here, at the edge:
- durations are human text: "30 minutes", "1 hour", "1 hour 30 minutes", "2 days";
- `from`/`to` are ISO 8601 (with an offset; a date or a time without one is read in the output
  time zone) or relative to now: "now", "4 weeks", "+2 days".
"""

import datetime as dt
from dataclasses import dataclass, replace

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from bookings import availability
from bookings.engine.constraints import constraints_parse
from bookings.engine.durations import DURATION_PATTERN, MAX_LENGTH, duration_parse
from bookings.selectors.timekit import access_project
from bookings.v2.permissions import is_widget_caller, widget_project_required
from bookings.v2.present import iso
from bookings.v2.resources import constraints_field
from bookings.v2.views import V2View, data, data_serializer
from scheduling.api.fields import BooleanField, CharField, ChoiceField, IdListField, TzidField
from scheduling.engine import limits
from scheduling.engine.zones import zone
from scheduling.errors import NotFound, ValidationFailed
from scheduling.models import Account

DEFAULT_WINDOW = dt.timedelta(weeks=4)
DEFAULT_LENGTH = dt.timedelta(hours=1)
MAX_RESOURCES = limits.MAX_MEMBERS


@extend_schema_field(
    {
        "type": "string",
        "pattern": DURATION_PATTERN,
        "maxLength": MAX_LENGTH,
        "example": "30 minutes",
    }
)
class HumanDurationField(CharField):
    """A human duration from `minimum` to `maximum`, whole minutes."""

    def __init__(self, *, minimum: dt.timedelta, maximum: dt.timedelta, **kwargs) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)  # duration_parse bounds the length

    def to_internal_value(self, data) -> dt.timedelta:
        value = duration_parse(super().to_internal_value(data))
        if value is None:
            raise serializers.ValidationError(
                'A duration such as "30 minutes", "1 hour" or "2 days" (units: seconds, '
                "minutes, hours, days, weeks).",
                code="invalid",
            )
        if value % dt.timedelta(minutes=1) or not self.minimum <= value <= self.maximum:
            raise serializers.ValidationError(
                f"Whole minutes from {_words(self.minimum)} to {_words(self.maximum)}.",
                code="invalid",
            )
        return value


@dataclass(frozen=True, slots=True)
class When:
    """A `from`/`to` as sent: an instant, a local wall time (no offset given), or now + delta."""

    instant: dt.datetime | None = None
    local: dt.datetime | None = None
    delta: dt.timedelta | None = None

    def resolve(self, *, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        if self.instant is not None:
            return self.instant
        if self.local is not None:
            # A wall time in a DST gap or overlap: fold 0, the earlier reading (zoneinfo's rule).
            return self.local.replace(tzinfo=tz)
        return now + self.delta


@extend_schema_field({"type": "string", "example": "4 weeks"})
class WhenField(CharField):
    def to_internal_value(self, data) -> When:
        text = super().to_internal_value(data).strip()
        if len(text) > 100:
            raise serializers.ValidationError("At most 100 characters.", code="invalid")
        if text.lower() == "now":
            return When(delta=dt.timedelta(0))
        delta = duration_parse(text.removeprefix("+"))
        if delta is not None:
            return When(delta=delta)
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise serializers.ValidationError(
                'An ISO 8601 time, "now" or a time from now such as "4 weeks".', code="invalid"
            ) from None
        if value.utcoffset() is None:
            return When(local=value)
        return When(instant=value)


class AvailabilitySettingsSerializer(serializers.Serializer):
    """The settings a project stores under `availability`, and a request may override."""

    mode = ChoiceField(choices=availability.MODES, required=False)
    length = HumanDurationField(
        minimum=dt.timedelta(minutes=5), maximum=limits.MAX_REQUIRED_DURATION, required=False
    )
    buffer = HumanDurationField(
        minimum=dt.timedelta(0), maximum=dt.timedelta(days=1), required=False
    )
    constraints = constraints_field(required=False)
    ignore_all_day_events = BooleanField(required=False)
    output_timezone = TzidField(required=False)
    locals()["from"] = WhenField(required=False)
    to = WhenField(required=False)


class AvailabilityInSerializer(AvailabilitySettingsSerializer):
    project_id = CharField(max_length=64, required=False)
    resources = IdListField(max_length=MAX_RESOURCES, required=False, min_length=1)


class SlotResourceSerializer(serializers.Serializer):
    id = CharField()
    name = CharField()
    timezone = CharField()


class SlotSerializer(serializers.Serializer):
    start = CharField()
    end = CharField()
    resources = SlotResourceSerializer(many=True)


SLOTS_DATA = data_serializer("AvailabilitySlots", SlotSerializer, many=True)


class AvailabilityView(V2View):
    """Thin: validate, merge the project's settings, call the service, present. booking.js calls
    it with the widget key, for a project of its application and that project's resources only."""

    widget_access = True

    @extend_schema(
        operation_id="v2_availability",
        request=AvailabilityInSerializer,
        responses=SLOTS_DATA,
    )
    def post(self, request):
        fields = self.valid(AvailabilityInSerializer, request.data)
        application = request.user.application
        project = None
        if is_widget_caller(request):
            project = widget_project_required(request, fields.get("project_id"))
        elif "project_id" in fields:
            try:
                project = access_project(application=application, project_id=fields["project_id"])
            except NotFound:  # an id in the body: a 422 on it, as everywhere in /v2
                raise ValidationFailed.one(
                    "project_id", "not_found", "Project not found."
                ) from None
        if project is not None:
            settings = _project_settings(project)
            if is_widget_caller(request):
                _widget_resources_check(fields.get("resources", ()), settings["resources"])
            fields = {**settings, **fields}
        now = timezone.now()
        tz = _output_zone(fields, request.headers.get("Timekit-Timezone"))
        query = _request(fields, project=project, now=now, tz=tz)
        slots = availability.availability_slots(application=application, request=query, now=now)
        return data([_present(slot, tz) for slot in slots])


def project_availability_request(
    project,
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> availability.AvailabilityRequest:
    """The availability a project offers (its stored settings and resources, as POST
    /v2/availability with only its `project_id` sees them), optionally narrowed to [start, end):
    the project's booking page shows and re-checks times with it."""
    fields = _project_settings(project)
    if start is not None:
        fields["from"] = When(instant=start)
    if end is not None:
        fields["to"] = When(instant=end)
    return _request(fields, project=project, now=now, tz=tz)


ROUND_ROBIN = (availability.ROUNDROBIN_RANDOM, availability.ROUNDROBIN_PRIORITIZED)


@dataclass(frozen=True, slots=True)
class Offered:
    start: dt.datetime
    end: dt.datetime
    account: Account


def project_slot_offered(
    project, *, start: dt.datetime, resource_id: str, tz: dt.tzinfo, now: dt.datetime
) -> Offered | None:
    """The slot starting at `start` with the resource `resource_id`, if the project offers it
    now: its own availability narrowed to that day, so alignment, length, window, constraints
    and buffer all apply. Its booking page and booking.js (with the widget key) book only these."""
    try:
        narrowed = project_availability_request(
            project, now=now, tz=tz, start=start, end=start + dt.timedelta(days=1)
        )
        if narrowed.mode in ROUND_ROBIN:
            # Round robin picks one free resource per slot (at random, for one mode): whether
            # *this* resource is free is what matters here.
            narrowed = replace(narrowed, mode=availability.EXCLUSIVE)
        slots = availability.availability_slots(
            application=project.application, request=narrowed, now=now
        )
    except ValidationFailed:
        return None
    for slot in slots:
        if slot.start == start:
            for account in slot.resources:
                if account.sub == resource_id:
                    return Offered(slot.start, slot.end, account)
    return None


def _widget_resources_check(asked, allowed) -> None:
    """booking.js sends back the project's resources it read from the embed; a widget key may
    not ask about any other resource of the application."""
    for index, sub in enumerate(asked):
        if sub not in allowed:
            raise ValidationFailed.one(
                f"resources.{index}",
                "not_in_project",
                "The widget may ask for the project's resources only.",
            )


def _project_settings(project) -> dict:
    """The project's stored availability settings (validated when stored; checked again here,
    errors named `project.availability.<field>`) and its resources, in order."""
    serializer = AvailabilitySettingsSerializer(data=project.availability or {})
    if not serializer.is_valid():
        raise ValidationFailed(
            {
                f"project.availability.{field}": [("invalid", str(message))]
                for field, messages in serializer.errors.items()
                for message in messages
            }
        )
    resources = [link.account.sub for link in project.project_resources.select_related("account")]
    return {**serializer.validated_data, "resources": resources}


def _output_zone(fields: dict, header: str | None) -> dt.tzinfo:
    name = fields.get("output_timezone") or header or "UTC"
    try:
        return zone(name)
    except ValueError:
        raise ValidationFailed.one(
            "Timekit-Timezone", "invalid", f"{name[:64]!r} is not a known IANA time zone"
        ) from None


def _request(
    fields: dict, *, project, now: dt.datetime, tz: dt.tzinfo
) -> availability.AvailabilityRequest:
    if not fields.get("resources"):
        raise ValidationFailed.one("resources", "required", "Name at least one resource.")
    start = fields["from"].resolve(now=now, tz=tz) if "from" in fields else now
    end = fields["to"].resolve(now=now, tz=tz) if "to" in fields else start + DEFAULT_WINDOW
    if end <= start:
        raise ValidationFailed.one("to", "invalid", "`to` must come after `from`.")
    if end - start > availability.MAX_WINDOW:
        raise ValidationFailed.one("to", "too_long", "At most 6 months (183 days) after `from`.")
    return availability.AvailabilityRequest(
        resources=tuple(fields["resources"]),
        start=start,
        end=end,
        length=fields.get("length", DEFAULT_LENGTH),
        mode=fields.get("mode", availability.ROUNDROBIN_RANDOM),
        buffer=fields.get("buffer", dt.timedelta(0)),
        constraints=constraints_parse(fields.get("constraints", [])),
        ignore_all_day_events=fields.get("ignore_all_day_events", False),
        project=project,
    )


def _present(slot: availability.Slot, tz: dt.tzinfo) -> dict:
    return {
        "start": iso(slot.start, tz),
        "end": iso(slot.end, tz),
        "resources": [
            {"id": account.sub, "name": account.name, "timezone": account.default_tzid}
            for account in slot.resources
        ],
    }


def _words(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        return f"{minutes // 1440} day{'s' * (minutes != 1440)}"
    return f"{minutes} minutes"
