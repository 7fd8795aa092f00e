"""The Cronofy-HMAC-SHA256 header, checked against pycronofy's verifier."""

import base64
import hashlib
import hmac

import pycronofy
import pytest

from scheduling.callback_signing import hmac_header, hmac_valid

BODY = '{"notification":{"type":"change"},"note":"café"}'.encode()


def pycronofy_accepts(header: str, secret: str) -> bool:
    client = pycronofy.Client(client_id="x", client_secret=secret)
    return client.hmac_valid(header, BODY.decode())


def test_one_secret_gives_the_documented_value():
    expected = base64.b64encode(hmac.new(b"s3cret", BODY, hashlib.sha256).digest()).decode()
    assert hmac_header(BODY, ["s3cret"]) == expected


def test_two_secrets_give_two_comma_separated_values_both_accepted():
    header = hmac_header(BODY, ["old-secret", "new-secret"])
    assert header.count(",") == 1
    assert " " not in header  # pycronofy compares the split values as they are
    assert pycronofy_accepts(header, "old-secret")
    assert pycronofy_accepts(header, "new-secret")
    assert not pycronofy_accepts(header, "other-secret")


def test_a_signature_covers_the_exact_bytes():
    header = hmac_header(BODY, ["s3cret"])
    assert hmac_valid(header, BODY, "s3cret")
    assert not hmac_valid(header, BODY + b" ", "s3cret")


def test_verify_agrees_with_pycronofy():
    header = hmac_header(BODY, ["a", "b"])
    for secret in ("a", "b", "c"):
        assert hmac_valid(header, BODY, secret) == pycronofy_accepts(header, secret)


def test_verify_rejects_a_missing_header():
    assert not hmac_valid(None, BODY, "s3cret")
    assert not hmac_valid("", BODY, "s3cret")


def test_signing_needs_a_secret():
    with pytest.raises(ValueError, match="at least one secret"):
        hmac_header(BODY, [])
