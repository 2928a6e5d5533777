"""Where webhooks may go: the rules against server-side request forgery."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from sightsync.webhooks.domain.destinations import DestinationPolicy, DestinationRefused

STRICT = DestinationPolicy(allow_loopback_http=False)
LOCAL = DestinationPolicy(allow_loopback_http=True)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.10", "private"),
        ("fc00::1", "private"),
        ("169.254.10.1", "link_local"),
        ("fe80::1", "link_local"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address judged, not bound
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not_global"),
        ("192.0.2.10", "private"),
        # IPv4 dressed as IPv6 is judged as the IPv4 address inside.
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a00:1", "private"),
        ("2002:a00:1::", "private"),
    ],
)
def test_internal_addresses_are_refused(address: str, reason: str) -> None:
    assert STRICT.address_refusal(ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert STRICT.address_refusal(ip_address(address)) is None


def test_loopback_is_allowed_only_with_the_local_flag_and_metadata_never() -> None:
    assert LOCAL.address_refusal(ip_address("127.0.0.1")) is None
    assert LOCAL.address_refusal(ip_address("169.254.169.254")) == "metadata"
    assert LOCAL.address_refusal(ip_address("10.0.0.1")) == "private"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/in", "scheme"),
        ("ftp://hooks.example.com/in", "scheme"),
        ("https://user:pass@hooks.example.com/in", "credentials"),
        ("https:///no-host", "malformed"),
        ("https://hooks.example.com:99999/", "malformed"),
        ("https://hooks.example.com/in#part", "malformed"),
    ],
)
def test_url_shapes_that_are_refused(url: str, reason: str) -> None:
    with pytest.raises(DestinationRefused) as refused:
        STRICT.parse(url)

    assert refused.value.reason == reason


def test_a_url_is_normalised_and_its_port_known() -> None:
    parsed = STRICT.parse("https://Hooks.Example.com?x=1")

    assert parsed.url == "https://hooks.example.com/?x=1"
    assert (parsed.host, parsed.port) == ("hooks.example.com", 443)


def test_every_resolved_address_must_pass() -> None:
    url = STRICT.parse("https://hooks.example.com/in")

    STRICT.vet(url, [ip_address("93.184.216.34")])
    with pytest.raises(DestinationRefused, match="private"):
        STRICT.vet(url, [ip_address("93.184.216.34"), ip_address("10.0.0.8")])
    with pytest.raises(DestinationRefused) as unresolved:
        STRICT.vet(url, [])
    assert unresolved.value.reason == "unresolvable"


def test_plain_http_must_stay_on_loopback_even_with_the_flag() -> None:
    url = LOCAL.parse("http://receiver.test:8080/in")

    LOCAL.vet(url, [ip_address("127.0.0.1")])
    with pytest.raises(DestinationRefused) as refused:
        LOCAL.vet(url, [ip_address("93.184.216.34")])
    assert refused.value.reason == "scheme"
