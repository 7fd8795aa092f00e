"""GET /v2/bookings/{id}/external_action/{action}: the signed customer links, followed without an
API key, for exactly their booking and action."""

from urllib.parse import urlencode, urlsplit

import pytest

from bookings.action_links import action_token
from bookings.models import Booking
from tests.bookings.v2.bookings_calls import class_body, created, make_resource, seat_body
from tests.bookings.v2.conftest import V2Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass(v2, app_creds):
    return created(v2, class_body(make_resource(app_creds.application), max_seats=3))


@pytest.fixture
def seat(v2, klass):
    return created(v2, seat_body(klass["id"]))


def link_path(v2, booking_id: str, action="cancel_by_customer") -> str:
    path = f"/v2/bookings/{booking_id}?include=customer_action_links"
    url = urlsplit(v2.v2("GET", path).json()["data"]["customer_action_links"][action])
    return f"{url.path}?{url.query}"


def state_and_taken(seat, klass) -> tuple[str, int]:
    return (
        Booking.objects.get(booking_id=seat["id"]).state,
        Booking.objects.get(booking_id=klass["id"]).taken_seats,
    )


def test_following_the_cancel_link_cancels_the_seat_without_a_key(v2, anon_v2, seat, klass):
    response = anon_v2.v2("GET", link_path(v2, seat["id"]))
    assert response.status_code == 200
    assert response.json()["data"]["state"] == "cancelled_by_customer"
    assert state_and_taken(seat, klass) == ("cancelled_by_customer", 0)


def test_the_link_redirects_once_the_action_is_applied(v2, anon_v2, seat, klass):
    path = link_path(v2, seat["id"]) + "&" + urlencode({"redirect": "https://shop.test/bye?x=1"})
    response = anon_v2.v2("GET", path)
    assert response.status_code == 302
    assert response["Location"] == "https://shop.test/bye?x=1"
    assert state_and_taken(seat, klass) == ("cancelled_by_customer", 0)


def test_a_link_followed_twice_names_the_state_and_does_not_redirect(v2, anon_v2, seat):
    path = link_path(v2, seat["id"]) + "&redirect=https%3A%2F%2Fshop.test%2F"
    assert anon_v2.v2("GET", path).status_code == 302
    again = anon_v2.v2("GET", path)
    assert again.status_code == 422
    assert "'cancelled_by_customer'" in again.json()["errors"]["action"][0]


@pytest.mark.parametrize(
    "redirect", ["javascript:alert(1)", "//evil.test/", "/relative", "ftp://files.test/"]
)
def test_a_redirect_that_is_not_an_absolute_http_url_is_refused_before_acting(
    v2, anon_v2, seat, klass, redirect
):
    path = link_path(v2, seat["id"]) + "&" + urlencode({"redirect": redirect})
    response = anon_v2.v2("GET", path)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["redirect"]
    assert state_and_taken(seat, klass) == ("confirmed", 1)


def test_a_signature_for_another_booking_or_action_is_refused(v2, anon_v2, seat, klass):
    other = created(v2, seat_body(klass["id"], email="biff@example.test"))
    token = action_token(booking_id=other["id"], action="cancel_by_customer")
    wrong_action = action_token(booking_id=seat["id"], action="cancel_by_owner")
    base = f"/v2/bookings/{seat['id']}/external_action"
    for path in (
        f"{base}/cancel_by_customer?signature={token}",
        f"{base}/cancel_by_owner?signature={token}",
        f"{base}/cancel_by_customer?signature={wrong_action}",
        f"{base}/cancel_by_customer?signature=forged",
        f"{base}/cancel_by_customer",
    ):
        response = anon_v2.v2("GET", path)
        assert response.status_code == 403
        assert set(response.json()) == {"error"}
    assert state_and_taken(seat, klass) == ("confirmed", 2)


def test_a_link_of_a_deleted_booking_is_a_404(v2, anon_v2, seat):
    path = link_path(v2, seat["id"])
    v2.v2("PUT", f"/v2/bookings/{seat['id']}/cancel_by_owner", {})
    v2.v2("DELETE", f"/v2/bookings/{seat['id']}")
    assert anon_v2.v2("GET", path).status_code == 404


def test_head_does_nothing(v2, anon_v2, seat, klass):
    response = anon_v2.head(link_path(v2, seat["id"]))
    assert response.status_code == 200
    assert state_and_taken(seat, klass) == ("confirmed", 1)


def test_a_link_works_for_its_booking_whichever_application_made_it(v2, seat):
    # The signature is the credential: another application's key changes nothing.
    stranger = V2Client("not-a-key")
    assert stranger.v2("GET", link_path(v2, seat["id"])).status_code == 200
