"""Origins as browsers send them in the Origin header: what is one, and its normal form."""

import pytest

from scheduling.origins import OriginInvalid, origin_normalize


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("http://localhost:8000", "http://localhost:8000"),
        ("https://app.example.com", "https://app.example.com"),
        ("HTTPS://App.Example.COM", "https://app.example.com"),
        ("http://example.com:80", "http://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:443", "http://example.com:443"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("http://xn--bcher-kva.example", "http://xn--bcher-kva.example"),
    ],
)
def test_an_origin_is_kept_in_the_browsers_form(text, origin):
    assert origin_normalize(text) == origin


@pytest.mark.parametrize(
    "text",
    [
        "",
        "example.com",
        "//example.com",
        "ftp://example.com",
        "javascript://example.com",
        "http://",
        "http://example.com/",
        "http://example.com/path",
        "http://example.com?query",
        "http://example.com#fragment",
        "http://user:pass@example.com",
        "http://example.com:",
        "http://example.com:0",
        "http://example.com:65536",
        "http://example.com:80:80",
        "http://example.com:8o",
        "http://exa mple.com",
        "http://-example.com",
        "http://example-.com",
        "http://example..com",
        "http://bücher.example",
        "http://[::1",
        "http://[nothex]:80",
        "http://[fe80::1%25eth0]",
        "http://[::1]junk",
        "http://example.com\n",
        "http://" + "a" * 64 + ".com",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(OriginInvalid):
        origin_normalize(text)


def test_a_long_origin_is_refused_for_its_length():
    with pytest.raises(OriginInvalid, match="at most 300"):
        origin_normalize("http://" + "a." * 150 + "com")
