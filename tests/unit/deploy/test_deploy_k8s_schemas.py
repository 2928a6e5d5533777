"""Every rendered manifest against a schema: Kubernetes' own for built-in kinds, ours for CRDs."""

from __future__ import annotations

import jsonschema
import kubernetes_validate
import pytest

from tests.unit.deploy.crd_schemas import SCHEMAS
from tests.unit.deploy.kustomize_lite import Resource
from tests.unit.deploy.manifests import OVERLAYS, container, only, rendered

# The oldest release the manifests rely on (the preStop sleep action is on by default from
# 1.30, matchLabelKeys from 1.27) and the newest release kubernetes-validate ships.
OLDEST_SUPPORTED = "1.32"
NEWEST_SHIPPED = kubernetes_validate.latest_version()
BUILT_IN_GROUPS = {"v1", "apps/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1"}


def _built_in(overlay: str) -> list[Resource]:
    return [r for r in rendered(overlay) if r["apiVersion"] in BUILT_IN_GROUPS]


def _label(resource: Resource) -> str:
    return f"{resource['kind']}/{resource['metadata']['name']}"


@pytest.mark.parametrize("version", [OLDEST_SUPPORTED, NEWEST_SHIPPED])
@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_built_in_resources_pass_the_strict_kubernetes_schema(overlay: str, version: str) -> None:
    failures = []
    for resource in _built_in(overlay):
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            failures.append(f"{_label(resource)}: {error.message} at {list(error.path)}")

    assert failures == []


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_custom_resources_pass_their_crd_schemas(overlay: str) -> None:
    failures = []
    for resource in rendered(overlay):
        if resource["apiVersion"] in BUILT_IN_GROUPS:
            continue
        schema = SCHEMAS.get((resource["apiVersion"], resource["kind"]))
        if schema is None:
            failures.append(f"{_label(resource)}: no schema for {resource['apiVersion']}")
            continue
        for error in jsonschema.Draft202012Validator(schema).iter_errors(resource):
            failures.append(f"{_label(resource)}: {error.message} at {list(error.path)}")

    assert failures == []


def test_the_strict_schema_rejects_a_misspelt_field() -> None:
    deployment = only(rendered("production"), "Deployment", "gateway")
    container(deployment)["readinesProbe"] = {"httpGet": {"path": "/readyz", "port": "http"}}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, NEWEST_SHIPPED, strict=True)


def test_the_scaled_object_schema_rejects_a_numeric_trigger_value() -> None:
    scaled = only(rendered("production"), "ScaledObject", "dialer")
    scaled["spec"]["triggers"][0]["metadata"]["value"] = 50
    validator = jsonschema.Draft202012Validator(SCHEMAS[("keda.sh/v1alpha1", "ScaledObject")])

    assert not validator.is_valid(scaled)


def test_every_kind_in_the_overlays_is_one_the_tests_can_validate() -> None:
    kinds = {(r["apiVersion"], r["kind"]) for overlay in OVERLAYS for r in rendered(overlay)}
    unvalidated = {k for k in kinds if k[0] not in BUILT_IN_GROUPS and k not in SCHEMAS}

    assert unvalidated == set()
