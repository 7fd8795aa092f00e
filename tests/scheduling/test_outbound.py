"""The outgoing network guard: which addresses are refused, when, and that a refusal never
connects. Host names resolve through `fake_dns`; nothing here reaches beyond 127.0.0.1."""

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scheduling import outbound

LOOPBACK_ONLY = [ipaddress.ip_network("127.0.0.0/8")]
TIMEOUTS = {"connect_timeout": 2, "read_timeout": 2}


def problem(address: str, allowed=()) -> str | None:
    return outbound.address_problem(ipaddress.ip_address(address), allowed)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 (the address under test, nothing binds it)
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "embeds 10.0.0.1"),
        ("::ffff:127.0.0.1", "embeds 127.0.0.1"),
        ("2002:a00:1::", "embeds 10.0.0.1"),  # 6to4
        ("64:ff9b::a9fe:a9fe", "embeds 169.254.169.254"),  # NAT64
    ],
)
def test_non_public_addresses_are_refused(address, kind):
    assert kind in problem(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_pass(address):
    assert problem(address) is None


def test_allowed_networks_exempt_their_addresses_and_mapped_forms():
    assert problem("127.0.0.1", LOOPBACK_ONLY) is None
    assert problem("::ffff:127.0.0.1", LOOPBACK_ONLY) is None
    assert "loopback" in problem("::1", LOOPBACK_ONLY)
    assert "private" in problem("10.0.0.1", LOOPBACK_ONLY)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.test/cb", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("http:///path-only", "no host"),
        ("http://example.test:99999/", "not valid"),
        ("https://example.test/" + "a" * 2000, "longer than 2000"),
    ],
)
def test_url_shape_problems(url, message):
    assert message in outbound.url_shape_problem(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.1.2.3/hook", "private or reserved"),
        ("http://169.254.169.254/latest/meta-data/", "private or reserved"),
        ("http://[::1]:8000/hook", "private or reserved"),
        ("http://localhost:8000/hook", "private or reserved"),  # ::1 is not in 127.0.0.0/8
        ("http://both.example.test/hook", "private or reserved"),
        ("http://nowhere.example.test/hook", "cannot be resolved"),
        ("gopher://public.example.test/", "http:// or https://"),
    ],
)
def test_callback_url_problem_refuses_at_registration(fake_dns, no_connections, url, message):
    fake_dns.add("localhost", ["127.0.0.1", "::1"])
    fake_dns.add("both.example.test", ["93.184.216.34", "10.0.0.7"])
    assert message in outbound.callback_url_problem(url)


def test_callback_url_problem_accepts_public_and_allowed_hosts(fake_dns, no_connections):
    fake_dns.add("public.example.test", ["93.184.216.34", "2606:4700::1111"])
    fake_dns.add("receiver.example.test", ["127.0.0.1"])
    assert outbound.callback_url_problem("https://public.example.test/hooks?x=1") is None
    assert outbound.callback_url_problem("http://receiver.example.test:8000/cb") is None
    assert outbound.callback_url_problem("http://127.0.0.5/cb") is None


def test_loopback_is_refused_when_not_allowed(settings, fake_dns, no_connections):
    settings.CALLBACK_ALLOWED_NETWORKS = []
    fake_dns.add("receiver.example.test", ["127.0.0.1"])
    assert outbound.callback_url_problem("http://receiver.example.test/cb") is not None
    assert outbound.callback_url_problem("http://127.0.0.1:8000/cb") is not None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]:8000/hook", "::1 is a loopback address"),
        ("http://rebound.example.test/hook", "127.0.0.1 is a loopback address"),
        ("http://[::ffff:192.168.0.1]/hook", "embeds 192.168.0.1"),
        ("https://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("https://rebound.example.test/hook", "127.0.0.1 is a loopback address"),
    ],
)
def test_post_to_a_refused_address_never_connects(settings, fake_dns, no_connections, url, message):
    settings.CALLBACK_ALLOWED_NETWORKS = []
    fake_dns.add("rebound.example.test", ["127.0.0.1"])
    with pytest.raises(outbound.OutboundError) as refused:
        outbound.post(url, body=b"{}", headers={}, **TIMEOUTS)
    assert message in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    assert no_connections == []


def test_post_connects_to_the_address_it_checked_and_keeps_the_host_name(fake_dns, receiver):
    # A rebinding DNS: a loopback (allowed) answer first, a private one afterwards. The check
    # and the connection use the one lookup, so the second answer is never used.
    fake_dns.add("rebind.example.test", ["127.0.0.1"], ["10.0.0.1"])
    url = f"http://rebind.example.test:{receiver.port}/callbacks"
    response = outbound.post(url, body=b"{}", headers={}, **TIMEOUTS)
    assert response.status == 200
    assert fake_dns.lookups == ["rebind.example.test"]
    [received] = receiver.received
    assert received.headers["Host"] == f"rebind.example.test:{receiver.port}"


def test_a_refused_first_answer_is_not_retried_with_another_lookup(
    fake_dns, receiver, no_connections
):
    fake_dns.add("rebind.example.test", ["10.0.0.1"], ["127.0.0.1"])
    url = f"http://rebind.example.test:{receiver.port}/callbacks"
    with pytest.raises(outbound.OutboundError, match=r"10\.0\.0\.1 is a private address"):
        outbound.post(url, body=b"{}", headers={}, **TIMEOUTS)
    assert fake_dns.lookups == ["rebind.example.test"]
    assert receiver.received == []


def test_post_follows_no_redirect(receiver):
    receiver.status = 302
    receiver.response_headers = {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"}
    response = outbound.post(receiver.url, body=b"{}", headers={}, **TIMEOUTS)
    assert (response.status, response.location) == (302, receiver.response_headers["Location"])
    assert [r.path for r in receiver.received] == ["/callbacks"]


def test_post_ignores_proxies_from_the_environment(monkeypatch, receiver):
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.0.0.1:3128")
    response = outbound.post(receiver.url, body=b"{}", headers={}, **TIMEOUTS)
    assert response.status == 200
    assert len(receiver.received) == 1


def test_post_to_a_closed_port_is_an_outbound_error(receiver):
    receiver.stop()
    with pytest.raises(outbound.OutboundError, match="cannot connect"):
        outbound.post(receiver.url, body=b"{}", headers={}, **TIMEOUTS)


def test_post_times_out_reading_a_slow_response(receiver):
    receiver.delay = 1.0
    with pytest.raises(outbound.OutboundError, match=r"no response within 0.2 s"):
        outbound.post(receiver.url, body=b"{}", headers={}, connect_timeout=1, read_timeout=0.2)


@pytest.fixture
def tls_listener(tmp_path):
    """A TLS server on 127.0.0.1 with a self-signed certificate: records the SNI it is asked for."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "secure.example.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server_names: list[str] = []
    context.sni_callback = lambda sock, server_name, ctx: server_names.append(server_name)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve_one() -> None:
        conn, _ = listener.accept()
        with contextlib.suppress(ssl.SSLError, OSError):
            context.wrap_socket(conn, server_side=True).close()
        conn.close()

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    yield listener.getsockname()[1], server_names
    listener.close()
    thread.join(5)


def test_https_connects_to_the_checked_address_with_the_name_as_sni(fake_dns, tls_listener):
    port, server_names = tls_listener
    fake_dns.add("secure.example.test", ["127.0.0.1"])
    # The certificate is self-signed, so verification fails, after the handshake began.
    with pytest.raises(outbound.OutboundError, match="TLS error"):
        outbound.post(f"https://secure.example.test:{port}/cb", body=b"{}", headers={}, **TIMEOUTS)
    assert server_names == ["secure.example.test"]
