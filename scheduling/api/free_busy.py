"""GET /v1/free_busy (+ /v1/free_busy/pages/{token}): one block per live, non-cancelled event.

Scope: `read_free_busy`, or `read_events` (which sees more anyway): pycronofy's default user scope
has no read_free_busy, yet its read_free_busy() must work with it. `include_managed` adds the
calling application's managed events; other applications' managed events count as external.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.authentication import IsAuthenticatedAccount
from scheduling.api.event_params import WindowQuerySerializer
from scheduling.api.event_present import FreeBusyPage, present_free_busy
from scheduling.api.pagination import decode_page_token, paginated_body
from scheduling.api.params import query_params
from scheduling.errors import Forbidden
from scheduling.scopes import can_read_free_busy
from scheduling.selectors.events import (
    EventQuery,
    event_query_build,
    event_query_restore,
    free_busy_for_read,
)


class CanReadFreeBusy(IsAuthenticatedAccount):
    def has_permission(self, request, view) -> bool:
        super().has_permission(request, view)
        if not can_read_free_busy(request.user.scopes):
            raise Forbidden(
                "The access token lacks the 'read_free_busy' scope.", code="insufficient_scope"
            )
        return True


def free_busy_page(request, *, query: EventQuery, page: int) -> dict:
    account = request.user.account
    return paginated_body(
        request,
        queryset=free_busy_for_read(account=account, query=query),
        key="free_busy",
        kind="free_busy",
        account_id=account.pk,
        params=query.to_params(),
        page=page,
        present=lambda event: present_free_busy(event, localized=query.localized_times),
    )


class FreeBusyView(APIView):
    permission_classes = [CanReadFreeBusy]

    @extend_schema(
        operation_id="free_busy_read", parameters=[WindowQuerySerializer], responses=FreeBusyPage
    )
    def get(self, request):
        params = WindowQuerySerializer(data=query_params(request.query_params))
        params.is_valid(raise_exception=True)
        query = event_query_build(
            account=request.user.account,
            application=request.user.application,
            **params.validated_data,
        )
        return Response(free_busy_page(request, query=query, page=1))


class FreeBusyPagesView(APIView):
    permission_classes = [CanReadFreeBusy]

    @extend_schema(operation_id="free_busy_read_page", responses=FreeBusyPage)
    def get(self, request, token: str):
        params, page = decode_page_token(
            token, kind="free_busy", account_id=request.user.account.pk
        )
        query = event_query_restore(params=params, application=request.user.application)
        return Response(free_busy_page(request, query=query, page=page))
