"""Account endpoints: /v1/account, /v1/userinfo, /v1/profiles and /v1/application_calendars."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling.api.authentication import (
    Caller,
    ClientCredentialsAuthentication,
    ClientCredentialsSerializer,
    IsAuthenticatedApplication,
)
from scheduling.api.calendars import CalendarsView, present_calendar
from scheduling.api.element_access import USERINFO, AccountOrElementToken
from scheduling.api.fields import BooleanField, CharField
from scheduling.api.oauth import NO_STORE, TokenBodySerializer, token_body
from scheduling.models import Account, Profile
from scheduling.scopes import scope_allows
from scheduling.selectors.accounts import account_profiles, account_profiles_with_calendars
from scheduling.services.application_calendars import application_calendar_upsert

# Every kind of account (acc_, apc_, res_) answers "account" in userinfo: to the API they are
# all accounts (Cronofy documents application calendars as "a specialized type of Cronofy
# Account"); the sub prefix already tells the kinds apart.
USERINFO_TYPE = "account"
PROFILE_CALENDAR_KEYS = (
    "calendar_id",
    "calendar_name",
    "calendar_readonly",
    "calendar_deleted",
    "calendar_primary",
    "permission_level",
)


def present_account(account: Account, scope: frozenset[str]) -> dict:
    return {
        "account_id": account.sub,
        "email": account.email,
        "name": account.name,
        "scope": " ".join(sorted(scope)),
        "default_tzid": account.default_tzid,
    }


def present_profile(profile: Profile) -> dict:
    return {
        "provider_name": profile.provider_name,
        "profile_id": profile.profile_id,
        "profile_name": profile.profile_name,
        "profile_connected": profile.connected,
    }


def present_userinfo_profile(profile: Profile, *, with_calendars: bool) -> dict:
    """A profile, with its calendars (`profile.calendars` prefetched) when `with_calendars`;
    else `profile_calendars` is an empty list, so that the shape stays the same."""
    calendars = (
        [present_calendar(calendar) for calendar in profile.calendars.all()]
        if with_calendars
        else []
    )
    return present_profile(profile) | {
        # Profiles hold no separate service name; the provider is the service.
        "provider_service": profile.provider_name,
        "profile_initial_sync_required": False,
        "profile_calendars": [{key: c[key] for key in PROFILE_CALENDAR_KEYS} for c in calendars],
    }


class AccountSerializer(serializers.Serializer):
    account_id = CharField()
    email = CharField()
    name = CharField()
    scope = CharField()
    default_tzid = CharField()


class ProfileSerializer(serializers.Serializer):
    provider_name = CharField()
    profile_id = CharField()
    profile_name = CharField()
    profile_connected = BooleanField()


class AccountView(APIView):
    required_scopes = {"GET": "read_account"}

    @extend_schema(
        operation_id="account_read",
        responses=inline_serializer("AccountBody", {"account": AccountSerializer()}),
    )
    def get(self, request):
        caller = request.user
        return Response({"account": present_account(caller.account, caller.scopes)})


def userinfo_body(caller: Caller) -> dict:
    """The caller's account as /v1/userinfo shows it (and /v1/events embeds it on request)."""
    account = caller.account
    # Calendar ids only for a caller that may list them (as /v1/calendars); others see
    # their profiles with an empty `profile_calendars`.
    with_calendars = scope_allows(caller.scopes, CalendarsView.required_scopes["GET"])
    if with_calendars:
        profiles = account_profiles_with_calendars(account=account)
    else:
        profiles = account_profiles(account=account)
    return {
        "sub": account.sub,
        "email": account.email,
        "name": account.name,
        "zoneinfo": account.default_tzid,
        "cronofy.type": USERINFO_TYPE,
        "cronofy.data": {
            "authorization": {"scope": " ".join(sorted(caller.scopes)), "status": "active"},
            "profiles": [
                present_userinfo_profile(profile, with_calendars=with_calendars)
                for profile in profiles
            ],
        },
    }


class UserInfoView(AccountOrElementToken, APIView):
    """With an element token: the token's first sub, as the application may see it (its grant's
    scope for a person, everything for its own calendars and resources)."""

    required_scopes = {"GET": "read_account"}
    element_permissions = {"GET": USERINFO}

    @extend_schema(
        operation_id="userinfo_read",
        responses=OpenApiResponse(description="OpenID-style userinfo with `cronofy.data`."),
    )
    def get(self, request):
        return Response(userinfo_body(request.user))


class ProfilesView(APIView):
    required_scopes = {"GET": "read_account"}

    @extend_schema(
        operation_id="profiles_list",
        responses=inline_serializer("ProfileList", {"profiles": ProfileSerializer(many=True)}),
    )
    def get(self, request):
        profiles = account_profiles(account=request.user.account)
        return Response({"profiles": [present_profile(profile) for profile in profiles]})


class ApplicationCalendarRequestSerializer(ClientCredentialsSerializer):
    # Length and characters are checked by the service (422 with too_long / invalid).
    application_calendar_id = CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )


class ApplicationCalendarSerializer(TokenBodySerializer):
    application_calendar_id = CharField()


class ApplicationCalendarsView(APIView):
    """Client credentials in the body; pycronofy's Authorization header is ignored."""

    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsAuthenticatedApplication]

    @extend_schema(
        operation_id="application_calendars_upsert",
        request=ApplicationCalendarRequestSerializer,
        responses=ApplicationCalendarSerializer,
    )
    def post(self, request):
        params = ApplicationCalendarRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        result = application_calendar_upsert(
            application=request.user.application,
            application_calendar_id=params.validated_data["application_calendar_id"],
        )
        body = token_body(result.tokens)
        body["application_calendar_id"] = result.account.application_calendar_id
        return Response(body, headers=NO_STORE)
