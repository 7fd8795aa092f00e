"""Every route of the core's API, in one place: /oauth, /v1 and the schema and its docs under
/api (config/urls.py mounts them).

Views live in the module of their resource; only here are they given paths and names.
Path ids use the converters `id` (one segment) and `idpath` (may contain "/"), which match no
NUL character: PostgreSQL cannot store one, so such an id can name nothing, and the URL is a 404
before any view or query runs (see api/storable.py).
"""

from django.urls import path, register_converter

from scheduling.api.accounts import (
    AccountView,
    ApplicationCalendarsView,
    ProfilesView,
    UserInfoView,
)
from scheduling.api.availability import AvailabilityView, SequencedAvailabilityView
from scheduling.api.availability_calendar import AvailabilityCalendarView
from scheduling.api.calendars import CalendarsView
from scheduling.api.channels import ChannelsView, ChannelView
from scheduling.api.docs import SchemaView, docs_page
from scheduling.api.element_tokens import ElementTokensView
from scheduling.api.events import CalendarEventsView, EventsPagesView, EventsView
from scheduling.api.free_busy import FreeBusyPagesView, FreeBusyView
from scheduling.api.managed_availability import (
    AvailabilityRulesView,
    AvailabilityRuleView,
    AvailablePeriodsPagesView,
    AvailablePeriodsView,
)
from scheduling.api.oauth import RevokeView, TokenView
from scheduling.pages.authorize import authorize


class IdConverter:
    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdPathConverter(IdConverter):
    regex = r"[^\x00]+"


register_converter(IdConverter, "id")
register_converter(IdPathConverter, "idpath")


docs_urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", docs_page, name="api-docs"),
]

oauth_urlpatterns = [
    path("token", TokenView.as_view(), name="oauth-token"),
    path("token/revoke", RevokeView.as_view(), name="oauth-token-revoke"),
    # The consent page is server-rendered (scheduling/pages/authorize.py) but lives under /oauth.
    path("authorize", authorize, name="oauth-authorize"),
]

v1_urlpatterns = [
    path("account", AccountView.as_view(), name="v1-account"),
    path("userinfo", UserInfoView.as_view(), name="v1-userinfo"),
    path("profiles", ProfilesView.as_view(), name="v1-profiles"),
    path(
        "application_calendars", ApplicationCalendarsView.as_view(), name="v1-application-calendars"
    ),
    path("calendars", CalendarsView.as_view(), name="v1-calendars"),
    path("channels", ChannelsView.as_view(), name="v1-channels"),
    path("channels/<id:channel_id>", ChannelView.as_view(), name="v1-channel"),
    path(
        "calendars/<id:calendar_id>/events",
        CalendarEventsView.as_view(),
        name="v1-calendar-events",
    ),
    path("events", EventsView.as_view(), name="v1-events"),
    path("events/pages/<id:token>", EventsPagesView.as_view(), name="v1-events-pages"),
    path("free_busy", FreeBusyView.as_view(), name="v1-free_busy"),
    path("free_busy/pages/<id:token>", FreeBusyPagesView.as_view(), name="v1-free_busy-pages"),
    path("available_periods", AvailablePeriodsView.as_view(), name="v1-available_periods"),
    path(
        "available_periods/pages/<id:token>",
        AvailablePeriodsPagesView.as_view(),
        name="v1-available_periods-pages",
    ),
    path("availability_rules", AvailabilityRulesView.as_view(), name="v1-availability_rules"),
    # `idpath:` because pycronofy puts the id into the URL unescaped and ids may contain "/".
    path(
        "availability_rules/<idpath:availability_rule_id>",
        AvailabilityRuleView.as_view(),
        name="v1-availability_rule",
    ),
    # An extension beyond Cronofy (seed 000 built in): docs/api-notes.md, "Extensions".
    path(
        "availability_calendar",
        AvailabilityCalendarView.as_view(),
        name="v1-availability_calendar",
    ),
    path("availability", AvailabilityView.as_view(), name="v1-availability"),
    path(
        "sequenced_availability",
        SequencedAvailabilityView.as_view(),
        name="v1-sequenced-availability",
    ),
    path("element_tokens", ElementTokensView.as_view(), name="v1-element-tokens"),
]
