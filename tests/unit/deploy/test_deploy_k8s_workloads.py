"""The Deployments and what hangs off them: probes, limits, security, ports, settings, secrets."""

from __future__ import annotations

from typing import Any

import pytest

from sightsync.common.bus import topology
from tests.unit.deploy.kustomize_lite import Resource, load_documents
from tests.unit.deploy.manifests import (
    OVERLAYS,
    SECRET_EXAMPLE,
    SERVICES,
    SHARED_SECRET_KEYS,
    container,
    default_port,
    default_shutdown_grace_seconds,
    known_variables,
    of_kind,
    only,
    port_variable,
    rendered,
)

CASES = [(overlay, service) for overlay in sorted(OVERLAYS) for service in SERVICES]
CONFIG_MAP = "sightsync-config"
SECRET = "sightsync-secrets"


def _deployment(overlay: str, service: str) -> Resource:
    return only(rendered(overlay), "Deployment", service)


def _config(overlay: str) -> dict[str, str]:
    data: dict[str, str] = only(rendered(overlay), "ConfigMap", CONFIG_MAP)["data"]
    return data


def _pod(deployment: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = deployment["spec"]["template"]["spec"]
    return spec


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_probes_hit_healthz_and_readyz_on_the_service_port(overlay: str, service: str) -> None:
    main = container(_deployment(overlay, service))
    ports = {port["name"]: port["containerPort"] for port in main["ports"]}

    assert ports == {"http": default_port(service)}
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert main["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_every_container_has_requests_and_limits(overlay: str, service: str) -> None:
    resources = container(_deployment(overlay, service))["resources"]

    assert set(resources["requests"]) == {"cpu", "memory"}
    assert set(resources["limits"]) == {"cpu", "memory"}


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_pods_run_as_non_root_with_a_locked_down_container(overlay: str, service: str) -> None:
    pod = _pod(_deployment(overlay, service))
    security = container(_deployment(overlay, service))["securityContext"]

    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_writable_paths_are_volumes_because_the_root_filesystem_is_read_only(
    overlay: str, service: str
) -> None:
    deployment = _deployment(overlay, service)
    mounts = {m["mountPath"] for m in container(deployment)["volumeMounts"]}

    assert mounts == {"/tmp", _config(overlay)["SIGHTSYNC_DATA_DIR"]}


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_termination_grace_outlasts_the_drain_and_the_pre_stop_pause(
    overlay: str, service: str
) -> None:
    deployment = _deployment(overlay, service)
    pre_stop = container(deployment)["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = float(_config(overlay).get("SHUTDOWN_GRACE_SECONDS", default_shutdown_grace_seconds()))

    assert _pod(deployment)["terminationGracePeriodSeconds"] > drain + pre_stop


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_pods_spread_across_zones(overlay: str, service: str) -> None:
    constraints = _pod(_deployment(overlay, service))["topologySpreadConstraints"]
    zone = [c for c in constraints if c["topologyKey"] == "topology.kubernetes.io/zone"]

    assert len(zone) == 1
    assert zone[0]["labelSelector"]["matchLabels"] == {"app.kubernetes.io/name": service}


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_each_deployment_has_a_service_a_budget_and_one_autoscaler(
    overlay: str, service: str
) -> None:
    resources = rendered(overlay)
    selector = {"app.kubernetes.io/name": service}
    svc = only(resources, "Service", service)
    budget = only(resources, "PodDisruptionBudget", service)
    hpas = [r for r in of_kind(resources, "HorizontalPodAutoscaler") if _targets(r, service)]
    scaled = [r for r in of_kind(resources, "ScaledObject") if _targets(r, service)]

    assert svc["spec"]["selector"] == selector
    assert svc["spec"]["ports"] == [
        {"name": "http", "port": default_port(service), "targetPort": "http", "protocol": "TCP"}
    ]
    assert budget["spec"]["selector"]["matchLabels"] == selector
    assert len(hpas) + len(scaled) == 1
    assert "replicas" not in _deployment(overlay, service)["spec"], "the autoscaler owns it"


def _targets(autoscaler: Resource, service: str) -> bool:
    return bool(autoscaler["spec"]["scaleTargetRef"]["name"] == service)


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_gateway_scales_on_cpu_and_the_consumers_on_queue_depth(overlay: str) -> None:
    resources = rendered(overlay)
    hpa = only(resources, "HorizontalPodAutoscaler", "gateway")
    queues = {
        scaled["metadata"]["name"]: {t["metadata"]["queueName"] for t in scaled["spec"]["triggers"]}
        for scaled in of_kind(resources, "ScaledObject")
    }

    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert queues == {
        "compliance": {topology.inbox_queue("compliance"), topology.rpc_queue("compliance")},
        "dialer": {topology.inbox_queue("dialer")},
        "outcomes": {topology.inbox_queue("outcomes"), topology.rpc_queue("outcomes")},
        "webhooks": {topology.inbox_queue("webhooks"), topology.rpc_queue("webhooks")},
    }


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_config_map_names_only_variables_the_code_reads(overlay: str) -> None:
    assert set(_config(overlay)) - known_variables() == set()


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_each_service_gets_its_port_and_only_variables_it_knows(overlay: str, service: str) -> None:
    main = container(_deployment(overlay, service))
    explicit = {variable["name"] for variable in main["env"]}

    assert _config(overlay)[port_variable(service)] == str(default_port(service))
    assert [source["configMapRef"]["name"] for source in main["envFrom"]] == [CONFIG_MAP]
    assert explicit - known_variables(service) == set()


@pytest.mark.parametrize(("overlay", "service"), CASES)
def test_credentials_come_from_the_secret_key_by_key(overlay: str, service: str) -> None:
    main = container(_deployment(overlay, service))
    refs = {
        variable["name"]: variable["valueFrom"]["secretKeyRef"]
        for variable in main["env"]
        if "secretKeyRef" in variable.get("valueFrom", {})
    }
    expected = set(SHARED_SECRET_KEYS)
    if service == "dialer":
        expected |= {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"}
    if service == "webhooks":
        expected |= {"WEBHOOK_SECRETS_KEYS"}
    if service == "gateway":
        expected |= {"PORTAL_SECRET"}

    assert set(refs) == expected
    assert all(ref == {"name": SECRET, "key": name} for name, ref in refs.items())


def test_the_example_secret_holds_every_key_referenced_and_placeholders_only() -> None:
    secret = load_documents(SECRET_EXAMPLE)[0]
    referenced = {
        ref["key"]
        for overlay in OVERLAYS
        for deployment in of_kind(rendered(overlay), "Deployment")
        for variable in container(deployment)["env"]
        if (ref := variable.get("valueFrom", {}).get("secretKeyRef"))
    }
    referenced |= {
        ref["key"]
        for auth in of_kind(rendered("production"), "TriggerAuthentication")
        for ref in auth["spec"]["secretTargetRef"]
    }

    assert secret["metadata"]["name"] == SECRET
    assert set(secret["stringData"]) == referenced
    assert all("REPLACE_ME" in value for value in secret["stringData"].values())
    assert "data" not in secret


def test_no_secret_is_rendered_into_any_overlay() -> None:
    for overlay in OVERLAYS:
        assert of_kind(rendered(overlay), "Secret") == []
