import pytest

from bookings.engine import graphs as g
from bookings.engine.graphs import ActionNotAllowed, UnknownGraph, next_state

TRANSITIONS = [
    ("instant", "confirmed", "cancel", "cancelled"),
    ("instant", "confirmed", "cancel_by_customer", "cancelled_by_customer"),
    ("instant", "confirmed", "complete", "completed"),
    ("instant", "confirmed", "reschedule_by_customer", "rescheduled_by_customer"),
    ("confirm_decline", "tentative", "confirm", "confirmed"),
    ("confirm_decline", "tentative", "decline", "declined"),
    ("confirm_decline", "confirmed", "cancel", "cancelled"),
    ("confirm_decline", "confirmed", "cancel_by_customer", "cancelled_by_customer"),
    ("confirm_decline", "confirmed", "complete", "completed"),
    ("confirm_decline", "confirmed", "reschedule_by_customer", "rescheduled_by_customer"),
    ("group_owner", "tentative", "cancel", "cancelled"),
    ("group_owner", "tentative", "complete", "completed"),
    ("group_customer", "confirmed", "complete", "completed"),
    ("group_customer", "confirmed", "cancel_by_customer", "cancelled_by_customer"),
    ("group_customer", "confirmed", "cancel_by_owner", "cancelled_by_owner"),
]
ACTIONS = sorted({t[2] for t in TRANSITIONS})


@pytest.mark.parametrize(("graph", "state", "action", "expected"), TRANSITIONS)
def test_next_state(graph, state, action, expected):
    assert next_state(graph, state, action) == expected


def test_initial_states():
    assert {name: g.initial_state(name) for name in g.GRAPHS} == {
        "instant": "confirmed",
        "confirm_decline": "tentative",
        "group_owner": "tentative",
        "group_customer": "confirmed",
    }


def _refused():
    allowed = {(t[0], t[1], t[2]) for t in TRANSITIONS}
    return [
        (name, state, action)
        for name, graph in g.GRAPHS.items()
        for state in sorted(graph.states)
        for action in ACTIONS
        if (name, state, action) not in allowed
    ]


@pytest.mark.parametrize(("graph", "state", "action"), _refused())
def test_every_other_action_is_refused(graph, state, action):
    with pytest.raises(ActionNotAllowed) as caught:
        next_state(graph, state, action)
    assert caught.value.state == state
    assert caught.value.allowed == g.available_actions(graph, state)


def test_refusal_names_the_state_and_the_allowed_actions():
    with pytest.raises(ActionNotAllowed, match=r"'decline'.*'confirmed'.*cancel, cancel_by_cus"):
        next_state("confirm_decline", "confirmed", "decline")


def test_refusal_in_a_final_state_says_none_are_allowed():
    with pytest.raises(ActionNotAllowed, match=r"none \(final state\)"):
        next_state("group_owner", "cancelled", "cancel")


def test_available_actions_of_a_seat():
    assert g.available_actions("group_customer", "confirmed") == (
        "complete",
        "cancel_by_customer",
        "cancel_by_owner",
    )


def test_final_states_are_those_without_actions():
    finals = {
        (name, state)
        for name, graph in g.GRAPHS.items()
        for state in graph.states
        if g.is_final(name, state)
    }
    assert ("group_owner", "tentative") not in finals
    assert ("confirm_decline", "tentative") not in finals
    assert ("instant", "confirmed") not in finals
    assert ("group_customer", "cancelled_by_owner") in finals
    assert ("confirm_decline", "declined") in finals
    assert all((name, "error") in finals for name in g.GRAPHS)


def test_every_target_state_belongs_to_its_graph():
    for graph in g.GRAPHS.values():
        for moves in graph.transitions.values():
            assert set(moves.values()) <= graph.states


def test_unknown_graph_is_named():
    with pytest.raises(UnknownGraph, match="'instant_payment'"):
        g.available_actions("instant_payment", "tentative")
