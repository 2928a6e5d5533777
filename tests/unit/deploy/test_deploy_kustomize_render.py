"""The in-repo renderer: its rules on small inputs, and its output against real Kustomize."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.unit.deploy.kustomize_lite import (
    Resource,
    UnsupportedKustomization,
    json6902,
    render,
    strategic_merge,
)
from tests.unit.deploy.manifests import K8S, OVERLAYS

KUBECTL = shutil.which("kubectl")
TARGETS = {"base": K8S / "base", **OVERLAYS}


def _keyed(resources: list[Resource]) -> dict[tuple[str, str, str], Resource]:
    return {
        (r["kind"], r["metadata"].get("namespace", ""), r["metadata"]["name"]): r for r in resources
    }


@pytest.mark.skipif(KUBECTL is None, reason="kubectl (with its built-in kustomize) is not on PATH")
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_renderer_matches_kubectl_kustomize(target: str) -> None:
    assert KUBECTL is not None
    built = subprocess.run(
        [KUBECTL, "kustomize", str(TARGETS[target])],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    expected = _keyed([doc for doc in yaml.safe_load_all(built.stdout) if doc])

    assert _keyed(render(TARGETS[target])) == expected


def test_strategic_merge_merges_containers_by_name_and_deletes_on_null() -> None:
    base = {
        "spec": {
            "maxUnavailable": 1,
            "containers": [
                {"name": "a", "image": "a:1", "resources": {"limits": {"cpu": "1"}}},
                {"name": "b", "image": "b:1"},
            ],
        }
    }
    patch = {
        "spec": {
            "maxUnavailable": None,
            "minAvailable": 2,
            "containers": [{"name": "b", "resources": {"limits": {"cpu": "2"}}}],
        }
    }

    assert strategic_merge(base, patch) == {
        "spec": {
            "minAvailable": 2,
            "containers": [
                {"name": "a", "image": "a:1", "resources": {"limits": {"cpu": "1"}}},
                {"name": "b", "image": "b:1", "resources": {"limits": {"cpu": "2"}}},
            ],
        }
    }


def test_strategic_merge_replaces_lists_without_a_merge_key() -> None:
    assert strategic_merge({"triggers": [1, 2]}, {"triggers": [3]}) == {"triggers": [3]}


def test_json_patch_replaces_adds_and_removes() -> None:
    resource = {"spec": {"rules": [{"host": "a"}], "tls": [{"hosts": ["a"]}]}}
    operations = [
        {"op": "replace", "path": "/spec/rules/0/host", "value": "b"},
        {"op": "add", "path": "/spec/tls/0/hosts/-", "value": "c"},
        {"op": "remove", "path": "/spec/tls/0/hosts/0"},
    ]

    assert json6902(resource, operations) == {
        "spec": {"rules": [{"host": "b"}], "tls": [{"hosts": ["c"]}]}
    }
    with pytest.raises(KeyError):
        json6902(resource, [{"op": "replace", "path": "/spec/missing", "value": 1}])


def _write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


def test_images_namespace_and_labels_reach_the_pod_template(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "kustomization.yaml": (
                "namespace: ns\n"
                "resources: [deployment.yaml]\n"
                "labels:\n- pairs: {team: recall}\n  includeTemplates: true\n"
                "images:\n- {name: app, newName: registry.example.com/app, newTag: '2'}\n"
            ),
            "deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n"
                "spec:\n  selector: {matchLabels: {name: app}}\n"
                "  template:\n    metadata: {labels: {name: app}}\n"
                "    spec: {containers: [{name: app, image: 'app:1'}]}\n"
            ),
        },
    )

    [deployment] = render(tmp_path)

    assert deployment["metadata"] == {
        "name": "app",
        "namespace": "ns",
        "labels": {"team": "recall"},
    }
    assert deployment["spec"]["selector"] == {"matchLabels": {"name": "app"}}
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"name": "app", "team": "recall"}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "registry.example.com/app:2"
    )


def test_an_unsupported_field_is_refused_not_ignored(tmp_path: Path) -> None:
    _write(tmp_path, {"kustomization.yaml": "namePrefix: x-\nresources: []\n"})

    with pytest.raises(UnsupportedKustomization):
        render(tmp_path)


def test_a_patch_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- path: patch.yaml\n",
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {K: v}\n",
            "patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {K: w}\n",
        },
    )

    with pytest.raises(LookupError):
        render(tmp_path)
