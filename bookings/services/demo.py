"""Demo scheduling links for a fresh install (scripts/run prints them): one for a 45-minute
appointment with Dr Lee in Room Atlas, one for a two-step sequence (Dr Lee, then Dr Okafor),
over the coming two weeks' working hours. And the Timekit side: a booking page for 30-minute
consultations in Room Atlas (project `demo-consultation`), an evening yoga class in Room Atlas
next week with seats to take (its class list), and the application's widget key for booking.js.
Run after the core's demo_seed; the Timekit part is made once and kept."""

import datetime as dt

from django.utils import timezone

from bookings.api.serializers import SERIALIZERS
from bookings.links import link_token
from bookings.models import Project, SchedulingRequest
from bookings.selectors.classes import upcoming_classes
from bookings.services.group_bookings import class_create
from bookings.services.projects import project_create
from bookings.services.scheduling_requests import scheduling_request_create
from bookings.services.widget_keys import widget_key_create
from scheduling.models import Account, Application
from scheduling.services.demo import DEMO_APPLICATION_NAME
from scheduling.timeformat import format_time

DAYS = 14
DEMO_PROJECT_SLUG = "demo-consultation"


def _member(account: Account) -> dict:
    return {"sub": account.sub, "managed_availability": True}


def _target(account: Account) -> dict:
    return {"sub": account.sub, "calendar_id": account.calendars.get(primary=True).calendar_id}


def _periods(now: dt.datetime) -> list[dict]:
    start = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return [{"start": format_time(start), "end": format_time(start + dt.timedelta(days=DAYS))}]


def _create(application: Application, kind: str, body: dict, now: dt.datetime) -> str:
    serializer = SERIALIZERS[kind](data=body)
    serializer.is_valid(raise_exception=True)
    created = scheduling_request_create(
        application=application, kind=kind, spec=serializer.spec(), now=now
    )
    return link_token(created.real_time_scheduling_id)


def booking_demo_seed(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Create the two demo links; returns their tokens ({"scheduling": ..., "sequencing": ...})
    and the Timekit side's paths, project id and widget key. Older demo links of the demo
    application are disabled first, so only fresh ones are live."""
    now = now or timezone.now()
    application = Application.objects.get(name=DEMO_APPLICATION_NAME)
    SchedulingRequest.objects.filter(application=application, disabled_at=None).update(
        disabled_at=now, updated_at=now
    )
    accounts = {a.application_calendar_id: a for a in application.owned_accounts.all()}
    lee, okafor = accounts["dr-lee"], accounts["dr-okafor"]
    room = application.owned_accounts.get(name="Room Atlas")
    event = {"summary": "Consultation", "tzid": "Europe/London"}
    scheduling = {
        "event": {"event_id": f"demo-{now:%Y%m%d%H%M%S}", **event},
        "availability": {
            "participants": [{"members": [_member(lee), _member(room)], "required": "all"}],
            "required_duration": {"minutes": 45},
            "start_interval": {"minutes": 15},
            "query_periods": _periods(now),
        },
        "target_calendars": [_target(lee), _target(room)],
        "minimum_notice": {"hours": 2},
    }
    step = {"required_duration": {"minutes": 60}}
    sequencing = {
        "event": {"event_id": f"demo-loop-{now:%Y%m%d%H%M%S}", "summary": "Interview loop"},
        "availability": {
            "sequence": [
                {
                    "sequence_id": "first",
                    "ordinal": 1,
                    **step,
                    "event": {"summary": "Screen"},
                    "participants": [{"members": [_member(lee)], "required": "all"}],
                },
                {
                    "sequence_id": "second",
                    "ordinal": 2,
                    **step,
                    "event": {"summary": "Panel"},
                    "participants": [{"members": [_member(okafor)], "required": "all"}],
                },
            ],
            "query_periods": _periods(now),
        },
        "target_calendars": [_target(lee), _target(okafor)],
    }
    return {
        "scheduling": _create(application, "scheduling", scheduling, now),
        "sequencing": _create(application, "sequencing", sequencing, now),
        **_timekit_demo(application, room, now),
    }


def _timekit_demo(application: Application, room: Account, now: dt.datetime) -> dict[str, str]:
    """The consultation project, a class with seats, and the widget key (made once each)."""
    project = Project.objects.filter(slug=DEMO_PROJECT_SLUG).first() or project_create(
        application=application,
        name="Consultation",
        slug=DEMO_PROJECT_SLUG,
        resource_ids=[room.sub],
        availability={"length": "30 minutes", "to": "2 weeks"},
        availability_constraints=[{"allow_weekdays": {}}, {"allow_hours": {"start": 9, "end": 17}}],
        booking={"graph": "instant"},
        customer_fields={
            "name": {"title": "Name", "required": True},
            "email": {"title": "E-mail", "format": "email", "required": True},
        },
        ui={"display_name": "A consultation in Room Atlas"},
        now=now,
    )
    if not upcoming_classes(resource=room, now=now).exists():
        start = (now + dt.timedelta(days=7)).replace(hour=18, minute=0, second=0, microsecond=0)
        class_create(
            application=application,
            account=room,
            start=start,
            end=start + dt.timedelta(hours=1),
            max_seats=12,
            what="Evening yoga",
            where="Room Atlas",
            now=now,
        )
    key = widget_key_create(application=application, now=now)  # the existing one if any
    return {
        "project": f"/book/{project.slug}",
        "classes": f"/classes/{room.sub}",
        "project_id": str(project.project_id),
        "widget_key": key.key,
    }
