"""Event endpoints.

- POST   /v1/calendars/{calendar_id}/events   upsert a managed event by event_id (202)
- DELETE /v1/calendars/{calendar_id}/events   delete by {event_id} or {event_uid} (202)
- GET    /v1/events (+ /v1/events/pages/{token})   read events, paged
- DELETE /v1/events                           delete managed events: delete_all or calendar_ids
"Managed" always means managed by the calling application (request.user.application).
Free/busy lives in api/free_busy.py; every route is in api/urls.py.

Reads also take an element token (`?et=`, the `agenda` permission) for its first sub, as Cronofy's
Agenda Element sends it; `include_userinfo=true` embeds the account's userinfo in the first page
(the Agenda reads its calendars there). The `next_page` URL carries no token: the Agenda appends
its `et` to it, as a bearer client sends its Authorization header again.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.accounts import userinfo_body
from scheduling.api.element_access import AGENDA, AccountOrElementToken
from scheduling.api.event_params import (
    EventDeleteSerializer,
    EventsDeleteAllSerializer,
    EventsQuerySerializer,
    EventUpsertSerializer,
)
from scheduling.api.event_present import EventsPage, present_event
from scheduling.api.pagination import decode_page_token, paginated_body
from scheduling.api.params import query_params, request_params
from scheduling.selectors.events import (
    EventQuery,
    event_query_build,
    event_query_restore,
    events_for_read,
)
from scheduling.services.events import event_delete, event_upsert, events_delete_all

ACCEPTED = OpenApiResponse(description="Accepted (no body)")


def events_page(request, *, query: EventQuery, page: int) -> dict:
    account = request.user.account
    return paginated_body(
        request,
        queryset=events_for_read(account=account, query=query),
        key="events",
        kind="events",
        account_id=account.pk,
        params=query.to_params(),
        page=page,
        present=lambda event: present_event(
            event, localized=query.localized_times, application_id=query.application_id
        ),
    )


class CalendarEventsView(APIView):
    required_scopes = {"POST": "create_event", "DELETE": "delete_event"}

    @extend_schema(
        operation_id="calendar_events_upsert",
        request=EventUpsertSerializer,
        responses={202: ACCEPTED},
    )
    def post(self, request, calendar_id: str):
        params = EventUpsertSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        event_upsert(
            account=request.user.account,
            application=request.user.application,
            calendar_id=calendar_id,
            **params.validated_data,
        )
        return Response(status=202)

    @extend_schema(
        operation_id="calendar_events_delete",
        request=EventDeleteSerializer,
        responses={202: ACCEPTED},
    )
    def delete(self, request, calendar_id: str):
        params = EventDeleteSerializer(data=request_params(request))
        params.is_valid(raise_exception=True)
        event_delete(
            account=request.user.account,
            application=request.user.application,
            calendar_id=calendar_id,
            **params.validated_data,
        )
        return Response(status=202)


class EventsView(AccountOrElementToken, APIView):
    required_scopes = {"GET": "read_events", "DELETE": "delete_event"}
    element_permissions = {"GET": AGENDA}

    @extend_schema(
        operation_id="events_read", parameters=[EventsQuerySerializer], responses=EventsPage
    )
    def get(self, request):
        params = EventsQuerySerializer(data=query_params(request.query_params))
        params.is_valid(raise_exception=True)
        include_userinfo = params.validated_data.pop("include_userinfo")
        query = event_query_build(
            account=request.user.account,
            application=request.user.application,
            **params.validated_data,
        )
        body = events_page(request, query=query, page=1)
        if include_userinfo:
            body["userinfo"] = userinfo_body(request.user)
        return Response(body)

    @extend_schema(
        operation_id="events_delete_all",
        parameters=[EventsDeleteAllSerializer],
        request=EventsDeleteAllSerializer,
        responses={202: ACCEPTED},
    )
    def delete(self, request):
        params = EventsDeleteAllSerializer(data=request_params(request))
        params.is_valid(raise_exception=True)
        events_delete_all(
            account=request.user.account,
            application=request.user.application,
            calendar_ids=params.validated_data.get("calendar_ids"),
        )
        return Response(status=202)


class EventsPagesView(AccountOrElementToken, APIView):
    required_scopes = {"GET": "read_events"}
    element_permissions = {"GET": AGENDA}

    @extend_schema(operation_id="events_read_page", responses=EventsPage)
    def get(self, request, token: str):
        params, page = decode_page_token(token, kind="events", account_id=request.user.account.pk)
        query = event_query_restore(params=params, application=request.user.application)
        return Response(events_page(request, query=query, page=page))
