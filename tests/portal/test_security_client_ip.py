"""The client's address behind the configured proxies (audit log and lock-out use the same helper)."""

from django.test import RequestFactory, override_settings

from portal.http import client_ip

rf = RequestFactory()


def request(peer="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


@override_settings(TRUSTED_PROXIES=[], NUM_PROXIES=0)
def test_without_proxies_the_forwarded_header_is_ignored():
    assert client_ip(request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], NUM_PROXIES=0)
def test_trusted_proxy_hands_on_the_clients_address():
    assert client_ip(request("10.0.0.5", "198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], NUM_PROXIES=0)
def test_a_forged_left_part_of_the_chain_is_not_believed():
    # The client wrote "1.1.1.1" itself; our proxy appended the real peer 198.51.100.7.
    assert client_ip(request("10.0.0.5", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], NUM_PROXIES=0)
def test_a_request_not_from_a_trusted_proxy_keeps_its_peer_address():
    assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], NUM_PROXIES=0)
def test_garbage_in_the_header_falls_back_to_the_peer():
    assert client_ip(request("10.0.0.5", "not-an-address")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=[], NUM_PROXIES=1)
def test_a_counted_proxy():
    assert client_ip(request("10.0.0.5", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request("10.0.0.5")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], NUM_PROXIES=0)
def test_audit_and_lockout_read_the_same_address(client, db):
    from axes.helpers import get_client_ip_address

    from portal.models import AuditEntry

    req = request("10.0.0.5", "198.51.100.7")
    assert get_client_ip_address(req) == "198.51.100.7"
    client.post("/login/", {"username": "nobody", "password": "x"}, REMOTE_ADDR="10.0.0.5",
                HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEntry.objects.filter(action="user.login_failed").get().ip_address == "198.51.100.7"
