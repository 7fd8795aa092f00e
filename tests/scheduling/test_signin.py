"""Failed passwords on allauth's sign-in and the admin's login (scheduling/signin.py).

The question each test asks: can an attacker lock a person out of their own account? Limits are
lowered through settings so that a test makes few requests.
"""

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from scheduling.models import CacheEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"
PASSWORD = "correct horse battery"
LOCKED_SIGNIN = "Too many failed login attempts"
LOCKED_ADMIN = "Too many failed attempts; try again in"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "signin_ip": (8, 300),
        "signin_account_ip": (3, 900),
        "signin_account": (5, 3600),
    }


@pytest.fixture
def ada(db):
    return make_user("ada", password=PASSWORD)


@pytest.fixture
def admin_user(db):
    user = make_user("root", password=PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def sign_in(ip: str, login: str, password: str):
    client = Client(REMOTE_ADDR=ip)
    return client.post("/accounts/login/", {"login": login, "password": password})


def admin_login(ip: str, username: str, password: str):
    client = Client(REMOTE_ADDR=ip)
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_an_attacker_hammering_a_login_is_locked_out_while_its_owner_signs_in(ada):
    for _ in range(3):
        response = sign_in(ATTACKER, "ada", "guess")
        assert response.status_code == 200
        assert LOCKED_SIGNIN not in response.content.decode()

    locked = sign_in(ATTACKER, "ada", PASSWORD)
    assert not signed_in(locked)
    assert LOCKED_SIGNIN in locked.content.decode()
    assert signed_in(sign_in(HOME, "ada", PASSWORD))


def test_an_address_guessing_across_logins_is_locked_out(ada):
    for n in range(8):
        sign_in(ATTACKER, f"user{n}", "guess")

    assert LOCKED_SIGNIN in sign_in(ATTACKER, "ada", PASSWORD).content.decode()
    assert signed_in(sign_in(HOME, "ada", PASSWORD))


def test_a_distributed_attack_leaves_the_person_their_usual_place(ada):
    attackers = [f"203.0.113.{n}" for n in range(5)]
    for ip in attackers:
        sign_in(ip, "ada", "guess")

    # Past the login's limit, every address that failed for it is refused, even with the password.
    assert not signed_in(sign_in(attackers[0], "ada", PASSWORD))
    assert signed_in(sign_in(HOME, "ada", PASSWORD))


def test_signing_in_by_email_counts_like_by_username(ada):
    for _ in range(3):
        sign_in(ATTACKER, "ada@example.test", "guess")

    assert LOCKED_SIGNIN in sign_in(ATTACKER, "ADA@example.test", PASSWORD).content.decode()


def test_successful_sign_ins_are_not_counted(ada):
    for _ in range(10):
        assert signed_in(sign_in(HOME, "ada", PASSWORD))

    assert LOCKED_SIGNIN not in sign_in(HOME, "ada", "typo").content.decode()


def test_the_admin_login_locks_an_attacker_out_and_lets_the_admin_in(admin_user):
    for _ in range(3):
        response = admin_login(ATTACKER, "root", "guess")
        assert "Please enter the correct username and password" in response.content.decode()

    locked = admin_login(ATTACKER, "root", PASSWORD)
    assert not signed_in(locked)
    assert LOCKED_ADMIN in locked.content.decode()
    assert signed_in(admin_login(HOME, "root", PASSWORD))


def test_the_admin_login_and_the_sign_in_count_together(admin_user):
    for _ in range(3):
        sign_in(ATTACKER, "root", "guess")

    assert LOCKED_ADMIN in admin_login(ATTACKER, "root", PASSWORD).content.decode()


def test_password_checks_without_a_request_are_neither_limited_nor_counted(ada):
    for _ in range(10):
        assert authenticate(username="ada", password="guess") is None

    assert authenticate(username="ada", password=PASSWORD) == ada
    assert not CacheEntry.objects.filter(cache_key__contains="ratelimit").exists()


def test_allauths_own_limits_count_in_the_shared_cache(ada):
    Client(REMOTE_ADDR=HOME).post("/accounts/password/reset/", {"email": "ada@example.test"})

    assert CacheEntry.objects.filter(cache_key__contains="allauth:rl").exists()
