"""OAuth scopes and what each API operation needs.

User authorizations get the scopes they asked for (default: DEFAULT_SCOPE, as pycronofy's
user_auth_link asks); application calendars get `read_write`, which implies every scope.

Scopes of the managed availability endpoints (our choice: the reference documents none):

| Endpoint                                   | Scope        |
|--------------------------------------------|--------------|
| GET /v1/available_periods (and its pages)  | read_account |
| POST /v1/available_periods                 | create_event |
| DELETE /v1/available_periods               | delete_event |
| GET /v1/availability_rules[/{id}]          | read_account |
| POST /v1/availability_rules                | create_event |
| DELETE /v1/availability_rules/{id}         | delete_event |
"""

READ_WRITE = "read_write"
ALL_SCOPES = (
    "read_account",
    "list_calendars",
    "read_events",
    "create_event",
    "delete_event",
    "read_free_busy",
    "create_calendar",
    "change_participation_status",
)
DEFAULT_SCOPE = "read_account list_calendars read_events create_event delete_event"
# Either lets a token read free/busy: its own, and its own availability.
FREE_BUSY_SCOPES = ("read_free_busy", "read_events")


def parse_scope(scope: str) -> frozenset[str]:
    return frozenset(part for part in scope.split() if part)


def unknown_scopes(scopes: frozenset[str]) -> frozenset[str]:
    return scopes - set(ALL_SCOPES) - {READ_WRITE}


def scope_allows(granted: frozenset[str], needed: str) -> bool:
    return READ_WRITE in granted or needed in granted


def can_read_free_busy(granted: frozenset[str]) -> bool:
    return any(scope_allows(granted, scope) for scope in FREE_BUSY_SCOPES)
