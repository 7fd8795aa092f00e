"""OAuth scopes: their names, and the words a person is shown for each.

User authorizations get the scopes they asked for (default: DEFAULT_SCOPE, as pycronofy's
user_auth_link asks); application calendars get `read_write`, which implies every scope.
Which scope an API operation needs is said once, by its view (`required_scopes`, checked by
IsAuthenticatedAccount); a test holds every such name to the ones here.
"""

READ_WRITE = "read_write"
# Every scope, with what it lets an application do, as the consent page words it.
SCOPE_DESCRIPTIONS = {
    "read_account": "See your name, email address and time zone",
    "list_calendars": "See the list of your calendars",
    "read_events": "Read the events in your calendars",
    "create_event": "Create and update events in your calendars",
    "delete_event": "Delete the events it manages in your calendars",
    "read_free_busy": "See when you are free or busy",
    "create_calendar": "Create calendars for you",
    "change_participation_status": "Accept or decline invitations for you",
    READ_WRITE: "Read and change all of your calendars and events",
}
ALL_SCOPES = tuple(name for name in SCOPE_DESCRIPTIONS if name != READ_WRITE)
DEFAULT_SCOPE = "read_account list_calendars read_events create_event delete_event"
# Either lets a token read free/busy: its own, and its own availability.
FREE_BUSY_SCOPES = ("read_free_busy", "read_events")


def parse_scope(scope: str) -> frozenset[str]:
    return frozenset(part for part in scope.split() if part)


def unknown_scopes(scopes: frozenset[str]) -> frozenset[str]:
    return scopes - SCOPE_DESCRIPTIONS.keys()


def scope_allows(granted: frozenset[str], needed: str) -> bool:
    return READ_WRITE in granted or needed in granted


def can_read_free_busy(granted: frozenset[str]) -> bool:
    return any(scope_allows(granted, scope) for scope in FREE_BUSY_SCOPES)
