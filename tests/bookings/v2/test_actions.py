"""PUT (and POST) /v2/bookings/{id}/{action} for classes and seats, every action of their graphs
and the refusals; DELETE only in a final state."""

import datetime as dt

import pytest

from bookings.engine import graphs
from bookings.models import Booking, BookingTransition
from tests.bookings.v2.bookings_calls import START, class_body, created, make_resource, seat_body
from tests.bookings.v2.conftest import V2Client
from tests.factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(app_creds):
    return make_resource(app_creds.application)


@pytest.fixture
def klass(v2, doc):
    return created(v2, class_body(doc, max_seats=5))


@pytest.fixture
def seat(v2, klass):
    return created(v2, seat_body(klass["id"], seats=2))


def act(v2, booking_id: str, action: str, body=None, method="PUT", query=""):
    return v2.v2(method, f"/v2/bookings/{booking_id}/{action}{query}", {} if body is None else body)


def taken(klass) -> int:
    return Booking.objects.get(booking_id=klass["id"]).taken_seats


def state_of(booking) -> str:
    return Booking.objects.get(booking_id=booking["id"]).state


# Every action of the group graphs, from the state a booking is created in.
GROUP_ACTIONS = [
    ("klass", action, target)
    for action, target in graphs.GRAPHS["group_owner"].transitions["tentative"].items()
] + [
    ("seat", action, target)
    for action, target in graphs.GRAPHS["group_customer"].transitions["confirmed"].items()
]


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize(("which", "action", "target"), GROUP_ACTIONS)
def test_every_action_moves_the_booking_to_its_state(request, v2, method, which, action, target):
    booking = request.getfixturevalue(which)
    response = act(v2, booking["id"], action, method=method, query="?include=available_actions")
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["state"], data["completed"], data["available_actions"]) == (target, True, [])
    assert state_of(booking) == target


def test_a_seats_cancellations_free_its_seats_and_completion_keeps_them(v2, klass):
    seats = [created(v2, seat_body(klass["id"], seats=2, email=f"s{n}@x.test")) for n in range(2)]
    done = created(v2, seat_body(klass["id"], email="done@x.test"))
    assert taken(klass) == 5
    act(v2, seats[0]["id"], "cancel_by_customer")
    act(v2, seats[1]["id"], "cancel_by_owner")
    act(v2, done["id"], "complete")
    assert taken(klass) == 1


def test_the_options_message_is_passed_to_the_action(v2, seat):
    body = {"cancel_by_customer": {"message": "Double booked. Sorry, Doc!"}}
    act(v2, seat["id"], "cancel_by_customer", body)
    transition = BookingTransition.objects.get(action="cancel_by_customer")
    assert transition.message == "Double booked. Sorry, Doc!"


def test_an_action_without_a_body_is_applied(v2, seat):
    response = v2.put(
        f"/v2/bookings/{seat['id']}/complete",
        data=b"",
        content_type="application/json",
        HTTP_AUTHORIZATION=v2_header(v2),
    )
    assert response.status_code == 200
    assert state_of(seat) == "completed"


def v2_header(v2) -> str:
    from tests.bookings.v2.conftest import basic

    return basic(v2.key)


def test_the_owners_cancel_cascades_to_every_confirmed_seat(v2, klass):
    seats = [created(v2, seat_body(klass["id"], email=f"s{n}@x.test")) for n in range(3)]
    act(v2, seats[0]["id"], "cancel_by_customer")
    act(v2, seats[1]["id"], "complete")
    act(v2, klass["id"], "cancel", {"cancel": {"message": "Flu"}})
    assert [state_of(s) for s in seats] == [
        "cancelled_by_customer",
        "completed",
        "cancelled_by_owner",
    ]
    assert taken(klass) == 0
    told = BookingTransition.objects.filter(action="cancel_by_owner")
    assert [(t.booking.customer_email, t.message) for t in told] == [("s2@x.test", "Flu")]
    listed = v2.v2("GET", f"/v2/bookings/groups/{klass['id']}").json()["data"]
    assert listed["attributes"]["group_booking"]["current_seats"] == 0


@pytest.mark.parametrize(
    ("which", "first", "then", "state", "allowed"),
    [
        ("klass", "cancel", "complete", "cancelled", "none (final state)"),
        ("seat", "cancel_by_customer", "cancel_by_customer", "cancelled_by_customer", "none"),
        ("seat", None, "confirm", "confirmed", "complete, cancel_by_customer, cancel_by_owner"),
        ("klass", None, "teleport", "tentative", "cancel, complete"),
    ],
)
def test_an_action_the_state_does_not_allow_names_the_state_and_allowed_actions(
    request, v2, klass, which, first, then, state, allowed
):
    booking = request.getfixturevalue(which)
    if first:
        act(v2, booking["id"], first)
    before = (taken(klass), BookingTransition.objects.count())
    response = act(v2, booking["id"], then)
    assert response.status_code == 422
    (message,) = response.json()["errors"]["action"]
    assert repr(state) in message
    assert allowed in message
    assert (taken(klass), BookingTransition.objects.count()) == before


def test_a_customer_cannot_cancel_after_the_cancel_window(v2, doc, clock):
    klass = created(v2, class_body(doc, settings={"max_seats": 3, "min_cancel_time": "2 hours"}))
    seat = created(v2, seat_body(klass["id"]))
    clock.move_to(START - dt.timedelta(hours=1))
    response = act(v2, seat["id"], "cancel_by_customer")
    assert response.status_code == 422
    assert state_of(seat) == "confirmed"
    assert act(v2, seat["id"], "cancel_by_owner").status_code == 200  # the owner still may


@pytest.mark.parametrize("body", [[], {"cancel": "now"}, {"cancel": {"message": 5}}])
def test_malformed_options_are_a_422_and_change_nothing(v2, klass, body):
    response = act(v2, klass["id"], "cancel", body)
    assert response.status_code in (400, 422)
    assert state_of(klass) == "tentative"


def test_a_bad_timezone_header_refuses_the_action_before_it_is_applied(v2, seat):
    response = v2.v2(
        "PUT", f"/v2/bookings/{seat['id']}/complete", {}, HTTP_TIMEKIT_TIMEZONE="Mars/Base"
    )
    assert response.status_code == 422
    assert state_of(seat) == "confirmed"


def test_another_applications_booking_is_a_404_for_actions_and_delete(v2, klass, seat):
    other = V2Client(make_application("Other").client_secret)
    for method, path in (
        ("PUT", f"/v2/bookings/{klass['id']}/cancel"),
        ("POST", f"/v2/bookings/{seat['id']}/cancel_by_customer"),
        ("DELETE", f"/v2/bookings/{klass['id']}"),
        ("POST", f"/v2/bookings/{seat['id']}/reschedule"),
    ):
        assert other.v2(method, path, {}).status_code == 404
    assert (state_of(klass), state_of(seat)) == ("tentative", "confirmed")


def test_action_paths_take_a_trailing_slash(v2, seat):
    response = v2.v2("PUT", f"/v2/bookings/{seat['id']}/complete/", {})
    assert response.status_code == 200


# --- delete ------------------------------------------------------------------------------------


def test_delete_refuses_a_booking_that_is_not_final_naming_its_state(v2, klass, seat):
    for booking, state in ((klass, "tentative"), (seat, "confirmed")):
        response = v2.v2("DELETE", f"/v2/bookings/{booking['id']}")
        assert response.status_code == 422
        assert repr(state) in response.json()["errors"]["state"][0]
    assert Booking.objects.count() == 2


def test_delete_removes_a_final_booking(v2, seat):
    act(v2, seat["id"], "cancel_by_customer")
    assert v2.v2("DELETE", f"/v2/bookings/{seat['id']}/").status_code == 204
    assert v2.v2("GET", f"/v2/bookings/{seat['id']}").status_code == 404


def test_a_final_class_is_deleted_with_its_seats_only_when_they_are_final(v2, klass, seat):
    act(v2, klass["id"], "complete")
    response = v2.v2("DELETE", f"/v2/bookings/{klass['id']}")
    assert response.status_code == 422
    assert "confirmed" in response.json()["errors"]["state"][0]
    act(v2, seat["id"], "complete")
    assert v2.v2("DELETE", f"/v2/bookings/{klass['id']}").status_code == 204
    assert not Booking.objects.exists()


def test_a_cancelled_class_is_deleted_with_its_cancelled_seats(v2, klass, seat):
    act(v2, klass["id"], "cancel")
    assert v2.v2("DELETE", f"/v2/bookings/{klass['id']}").status_code == 204
    assert not Booking.objects.exists()
