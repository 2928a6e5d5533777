"""What crosses the namespace's edges, and how the two environments differ."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.unit.deploy.kustomize_lite import Resource, load_documents
from tests.unit.deploy.manifests import (
    K8S,
    OVERLAYS,
    PUBLIC_HTTPS_EGRESS,
    SECRET_EXAMPLE,
    SERVICES,
    container,
    default_port,
    of_kind,
    only,
    rendered,
)

INGRESS_NAMESPACE = "ingress-nginx"
BROKER_AND_DATABASE_PORTS = {5671, 5672, 27017}
PRIVATE_RANGES = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}


def _ingress(overlay: str) -> Resource:
    return only(rendered(overlay), "Ingress", "sightsync")


def _policies(overlay: str) -> list[Resource]:
    return of_kind(rendered(overlay), "NetworkPolicy")


def _selects(policy: Resource, service: str) -> bool:
    selector = policy["spec"]["podSelector"]
    assert set(selector) <= {"matchLabels"}, "the tests read label equality only"
    return selector.get("matchLabels", {}) in ({}, {"app.kubernetes.io/name": service})


def _rules(overlay: str, service: str, direction: str) -> list[dict[str, Any]]:
    key = "ingress" if direction == "Ingress" else "egress"
    return [
        rule
        for policy in _policies(overlay)
        if _selects(policy, service) and direction in policy["spec"]["policyTypes"]
        for rule in policy["spec"].get(key, [])
    ]


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_ingress_routes_api_opt_out_and_telephony(overlay: str) -> None:
    rule = _ingress(overlay)["spec"]["rules"][0]
    routes = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}

    assert routes == {"/api/": "gateway", "/opt-out": "gateway", "/telephony/": "dialer"}
    assert all(p["backend"]["service"]["port"] == {"name": "http"} for p in rule["http"]["paths"])


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_ingress_terminates_tls_from_cert_manager_and_redirects_http(overlay: str) -> None:
    ingress = _ingress(overlay)
    annotations = ingress["metadata"]["annotations"]
    host = ingress["spec"]["rules"][0]["host"]

    assert annotations["cert-manager.io/cluster-issuer"]
    assert annotations["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"
    assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    assert ingress["spec"]["tls"] == [{"hosts": [host], "secretName": "sightsync-tls"}]


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_twilio_is_told_the_ingress_host_over_https(overlay: str) -> None:
    config = only(rendered(overlay), "ConfigMap", "sightsync-config")["data"]
    public = urlsplit(config["PUBLIC_BASE_URL"])

    assert public.scheme == "https"
    assert public.hostname == _ingress(overlay)["spec"]["rules"][0]["host"]


def test_each_environment_has_its_own_host_and_namespace() -> None:
    hosts = {o: _ingress(o)["spec"]["rules"][0]["host"] for o in OVERLAYS}
    namespaces = {r["metadata"].get("namespace") for r in rendered("staging")} - {None}

    assert hosts == {"staging": "staging.sightsync.example", "production": "app.sightsync.example"}
    assert namespaces == {"sightsync-staging"}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_everything_is_denied_unless_a_policy_allows_it(overlay: str) -> None:
    deny = only(rendered(overlay), "NetworkPolicy", "default-deny")

    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
@pytest.mark.parametrize("service", SERVICES)
def test_only_the_ingress_controller_and_prometheus_reach_a_pod(overlay: str, service: str) -> None:
    sources = {
        (peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"], port["port"])
        for rule in _rules(overlay, service, "Ingress")
        for peer in rule["from"]
        for port in rule["ports"]
    }
    expected: set[tuple[str, str | int]] = {("monitoring", "http")}
    if service in {"gateway", "dialer"}:
        expected.add((INGRESS_NAMESPACE, default_port(service)))

    assert sources == expected


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
@pytest.mark.parametrize("service", SERVICES)
def test_egress_is_dns_the_broker_the_database_and_for_dialer_and_webhooks_https(
    overlay: str, service: str
) -> None:
    rules = _rules(overlay, service, "Egress")
    ports = {port["port"] for rule in rules for port in rule["ports"]}
    https = {443} if service in PUBLIC_HTTPS_EGRESS else set()
    expected = {53} | BROKER_AND_DATABASE_PORTS | https

    assert ports == expected
    for rule in rules:
        if any(port["port"] == 53 for port in rule["ports"]):
            assert rule["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
        if any(port["port"] == 443 for port in rule["ports"]):
            block = rule["to"][0]["ipBlock"]
            assert block["cidr"] == "0.0.0.0/0"
            assert set(block["except"]) >= PRIVATE_RANGES


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_webhooks_reach_public_ipv6_but_not_unique_local_or_link_local(overlay: str) -> None:
    blocks = [
        peer["ipBlock"]
        for rule in _rules(overlay, "webhooks", "Egress")
        for peer in rule.get("to", [])
        if peer.get("ipBlock", {}).get("cidr") == "::/0"
    ]

    assert len(blocks) == 1
    assert set(blocks[0]["except"]) >= {"fc00::/7", "fe80::/10"}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_prometheus_scrapes_metrics_from_every_service(overlay: str) -> None:
    resources = rendered(overlay)
    monitor = only(resources, "ServiceMonitor", "sightsync")
    selector = monitor["spec"]["selector"]["matchLabels"]
    scraped = {
        svc["metadata"]["name"]
        for svc in of_kind(resources, "Service")
        if selector.items() <= svc["metadata"]["labels"].items()
    }

    assert monitor["spec"]["endpoints"] == [
        {"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}
    ]
    assert scraped == set(SERVICES)


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_keda_reads_the_broker_address_from_the_secret(overlay: str) -> None:
    resources = rendered(overlay)
    auth = only(resources, "TriggerAuthentication", "rabbitmq")
    refs = {
        t["authenticationRef"]["name"]
        for scaled in of_kind(resources, "ScaledObject")
        for t in scaled["spec"]["triggers"]
    }

    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "host", "name": "sightsync-secrets", "key": "RABBITMQ_URL"}
    ]
    assert refs == {"rabbitmq"}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_dialer_never_outpaces_the_twilio_account(overlay: str) -> None:
    resources = rendered(overlay)
    scaled = only(resources, "ScaledObject", "dialer")
    config = only(resources, "ConfigMap", "sightsync-config")["data"]
    account_cps = Decimal(scaled["metadata"]["annotations"]["sightsync.io/twilio-account-cps"])
    # One pacing bucket is shared by every replica, so the rate is the account-wide one.
    account_wide_rate = Decimal(config["DIALER_CALLS_PER_SECOND"])

    assert scaled["spec"]["minReplicaCount"] >= 1, "webhooks need a replica"
    assert 0 < account_wide_rate <= account_cps
    assert scaled["spec"]["maxReplicaCount"] <= max(4, 4 * account_cps)


def test_staging_runs_one_replica_of_each_service_at_rest() -> None:
    resources = rendered("staging")
    floors = {
        hpa["metadata"]["name"]: hpa["spec"]["minReplicas"]
        for hpa in of_kind(resources, "HorizontalPodAutoscaler")
    } | {
        s["metadata"]["name"]: s["spec"]["minReplicaCount"]
        for s in of_kind(resources, "ScaledObject")
    }

    assert floors == dict.fromkeys(SERVICES, 1)


def test_production_has_more_replicas_bigger_pods_and_stricter_budgets() -> None:
    for service in SERVICES:
        staging, production = (_sizing(overlay, service) for overlay in ("staging", "production"))

        assert production["floor"] >= 2
        assert production["floor"] > staging["floor"]
        assert production["ceiling"] >= staging["ceiling"]
        assert production["memory"] > staging["memory"]
        assert production["budget"] == {"maxUnavailable": 1}
        assert staging["budget"] == {"maxUnavailable": "50%"}


def _sizing(overlay: str, service: str) -> dict[str, Any]:
    resources = rendered(overlay)
    autoscalers = [
        r
        for r in of_kind(resources, "HorizontalPodAutoscaler") + of_kind(resources, "ScaledObject")
        if r["metadata"]["name"] == service
    ]
    spec = autoscalers[0]["spec"]
    budget = only(resources, "PodDisruptionBudget", service)["spec"]
    memory = container(only(resources, "Deployment", service))["resources"]["requests"]["memory"]
    return {
        "floor": spec.get("minReplicas", spec.get("minReplicaCount")),
        "ceiling": spec.get("maxReplicas", spec.get("maxReplicaCount")),
        "memory": _mebibytes(memory),
        "budget": {k: v for k, v in budget.items() if k != "selector"},
    }


def _mebibytes(quantity: str) -> int:
    assert quantity.endswith("Mi"), quantity
    return int(quantity.removesuffix("Mi"))


def test_the_example_secret_is_left_out_of_every_kustomization() -> None:
    kustomizations = list(K8S.rglob("kustomization.yaml"))
    listed = {
        (path.parent / entry).resolve()
        for path in kustomizations
        for entry in load_documents(path)[0].get("resources", [])
    }

    assert len(kustomizations) == 3
    assert SECRET_EXAMPLE.resolve() not in listed
    assert all(SECRET_EXAMPLE.name not in path.read_text() for path in kustomizations)
