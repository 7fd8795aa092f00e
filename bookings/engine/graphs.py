"""Timekit's booking graphs as state machines (reference: timekit-onsched-api.md, 1.2).

A graph is chosen when a booking is created and fixes its first state; from then on only the
actions its current state allows move it. A state with no actions is final: a final booking can
be deleted, nothing else can (so nobody is left un-notified). `error` is a state of every graph
that no action leaves. Where the reference says "[infer]" (group_owner `complete`) we follow it.
"""

from dataclasses import dataclass

from scheduling.errors import DomainError

INSTANT = "instant"
CONFIRM_DECLINE = "confirm_decline"
GROUP_OWNER = "group_owner"
GROUP_CUSTOMER = "group_customer"

TENTATIVE = "tentative"
CONFIRMED = "confirmed"
DECLINED = "declined"
COMPLETED = "completed"
CANCELLED = "cancelled"
CANCELLED_BY_CUSTOMER = "cancelled_by_customer"
CANCELLED_BY_OWNER = "cancelled_by_owner"
RESCHEDULED_BY_CUSTOMER = "rescheduled_by_customer"
ERROR = "error"


@dataclass(frozen=True, slots=True)
class Graph:
    name: str
    initial: str
    transitions: dict[str, dict[str, str]]  # state -> {action: next state}
    states: frozenset[str]


_CONFIRMED_ACTIONS = {
    "cancel": CANCELLED,
    "cancel_by_customer": CANCELLED_BY_CUSTOMER,
    "complete": COMPLETED,
    "reschedule_by_customer": RESCHEDULED_BY_CUSTOMER,
}

GRAPHS: dict[str, Graph] = {
    INSTANT: Graph(
        INSTANT,
        CONFIRMED,
        {CONFIRMED: _CONFIRMED_ACTIONS},
        frozenset(
            {CONFIRMED, ERROR, COMPLETED, CANCELLED, CANCELLED_BY_CUSTOMER, RESCHEDULED_BY_CUSTOMER}
        ),
    ),
    CONFIRM_DECLINE: Graph(
        CONFIRM_DECLINE,
        TENTATIVE,
        {TENTATIVE: {"confirm": CONFIRMED, "decline": DECLINED}, CONFIRMED: _CONFIRMED_ACTIONS},
        frozenset(
            {TENTATIVE, CONFIRMED, DECLINED, ERROR, CANCELLED, CANCELLED_BY_CUSTOMER, COMPLETED}
            | {RESCHEDULED_BY_CUSTOMER}
        ),
    ),
    GROUP_OWNER: Graph(
        GROUP_OWNER,
        TENTATIVE,
        {TENTATIVE: {"cancel": CANCELLED, "complete": COMPLETED}},
        frozenset({TENTATIVE, CANCELLED, COMPLETED, ERROR}),
    ),
    GROUP_CUSTOMER: Graph(
        GROUP_CUSTOMER,
        CONFIRMED,
        {
            CONFIRMED: {
                "complete": COMPLETED,
                "cancel_by_customer": CANCELLED_BY_CUSTOMER,
                "cancel_by_owner": CANCELLED_BY_OWNER,
            }
        },
        frozenset({CONFIRMED, COMPLETED, ERROR, CANCELLED_BY_CUSTOMER, CANCELLED_BY_OWNER}),
    ),
}

ALL_STATES = frozenset(state for graph in GRAPHS.values() for state in graph.states)


class ActionNotAllowed(DomainError):
    """The booking's state does not allow the action; names the state and what it allows."""

    def __init__(self, *, graph: str, state: str, action: str, allowed: tuple[str, ...]) -> None:
        self.graph, self.state, self.action, self.allowed = graph, state, action, allowed
        listed = ", ".join(allowed) if allowed else "none (final state)"
        super().__init__(
            f"The action {action!r} is not allowed in the state {state!r} of the graph "
            f"{graph!r}; allowed actions: {listed}."
        )


class UnknownGraph(DomainError):
    def __init__(self, graph: str) -> None:
        self.graph = graph
        super().__init__(f"Unknown graph {graph!r}; known graphs: {', '.join(GRAPHS)}.")


def graph_of(name: str) -> Graph:
    try:
        return GRAPHS[name]
    except KeyError:
        raise UnknownGraph(name) from None


def initial_state(graph: str) -> str:
    return graph_of(graph).initial


def available_actions(graph: str, state: str) -> tuple[str, ...]:
    return tuple(graph_of(graph).transitions.get(state, {}))


def is_final(graph: str, state: str) -> bool:
    return not available_actions(graph, state)


def next_state(graph: str, state: str, action: str) -> str:
    """The state `action` moves a booking in `state` to, or ActionNotAllowed."""
    allowed = graph_of(graph).transitions.get(state, {})
    if action not in allowed:
        raise ActionNotAllowed(graph=graph, state=state, action=action, allowed=tuple(allowed))
    return allowed[action]
