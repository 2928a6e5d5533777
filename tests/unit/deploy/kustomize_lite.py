"""A small Kustomize renderer covering exactly the features deploy/k8s uses.

No kustomize build is published on the package registries this project installs from, so the
tests render the overlays themselves. Supported: `resources` (files and directories),
`namespace`, `labels` (with `includeTemplates`; selectors are never touched), `images`, and
`patches` (strategic merge or JSON 6902, from a file or inline, optionally with a `target`
of kind and name). Anything else in a kustomization is refused rather than ignored, and
test_deploy_kustomize_render checks the output against `kubectl kustomize` where it exists.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]

SUPPORTED_FIELDS = {"apiVersion", "kind", "namespace", "labels", "resources", "images", "patches"}
CLUSTER_SCOPED_KINDS = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
}
POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
# The strategic-merge keys of the lists the overlays patch; other lists are replaced whole,
# which is also what Kustomize does for custom resources it has no schema for.
MERGE_BY_NAME = {"containers", "initContainers", "env", "volumes"}


class UnsupportedKustomization(ValueError):
    pass


def load_documents(path: Path) -> list[Resource]:
    """Every non-empty YAML document in a file."""
    with path.open(encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc]


def render(directory: Path) -> list[Resource]:
    """Build the kustomization in `directory` the way `kustomize build` would."""
    kustomization = load_documents(directory / "kustomization.yaml")[0]
    unknown = set(kustomization) - SUPPORTED_FIELDS
    if unknown:
        raise UnsupportedKustomization(f"{directory}: unsupported fields {sorted(unknown)}")

    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        resources.extend(render(path) if path.is_dir() else load_documents(path))

    for patch in kustomization.get("patches", []):
        _apply_patch(resources, patch, directory)
    if "namespace" in kustomization:
        _set_namespace(resources, kustomization["namespace"])
    for label_set in kustomization.get("labels", []):
        _add_labels(resources, label_set)
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    return resources


def strategic_merge(target: Any, patch: Any, key: str = "") -> Any:
    """Merge `patch` into `target`: maps recursively, None deletes, named lists by name."""
    if isinstance(target, dict) and isinstance(patch, dict):
        merged = dict(target)
        for name, value in patch.items():
            if value is None:
                merged.pop(name, None)
            elif name in merged:
                merged[name] = strategic_merge(merged[name], value, name)
            else:
                merged[name] = copy.deepcopy(value)
        return merged
    if isinstance(target, list) and isinstance(patch, list) and key in MERGE_BY_NAME:
        merged_list = [copy.deepcopy(item) for item in target]
        positions = {item["name"]: index for index, item in enumerate(merged_list)}
        for item in patch:
            if item["name"] in positions:
                index = positions[item["name"]]
                merged_list[index] = strategic_merge(merged_list[index], item)
            else:
                merged_list.append(copy.deepcopy(item))
        return merged_list
    return copy.deepcopy(patch)


def json6902(resource: Resource, operations: list[dict[str, Any]]) -> Resource:
    """Apply JSON Patch `add`, `replace` and `remove` operations to a copy of `resource`."""
    patched = copy.deepcopy(resource)
    for operation in operations:
        *parents, last = _pointer(operation["path"])
        node: Any = patched
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        op = operation["op"]
        if op == "remove":
            del node[int(last) if isinstance(node, list) else last]
        elif op == "add" and isinstance(node, list):
            node.insert(len(node) if last == "-" else int(last), operation["value"])
        elif op in {"add", "replace"}:
            if op == "replace" and not _exists(node, last):
                raise KeyError(f"replace of missing path {operation['path']}")
            node[int(last) if isinstance(node, list) else last] = operation["value"]
        else:
            raise UnsupportedKustomization(f"JSON patch op {op!r}")
    return patched


def _apply_patch(resources: list[Resource], entry: dict[str, Any], directory: Path) -> None:
    if "path" in entry:
        documents = load_documents(directory / entry["path"])
    else:
        documents = [doc for doc in yaml.safe_load_all(entry["patch"]) if doc]
    target = entry.get("target")

    if documents and isinstance(documents[0], list):
        if target is None:
            raise UnsupportedKustomization("a JSON 6902 patch needs a target")
        _replace_matching(resources, target, partial(json6902, operations=documents[0]))
        return
    for document in documents:
        selector = target or {"kind": document["kind"], "name": document["metadata"]["name"]}
        patch = dict(document)
        if target is not None:
            # With a target the patch's own name is a placeholder and must not rename anything.
            patch["metadata"] = {
                key: value
                for key, value in document["metadata"].items()
                if key not in {"name", "namespace"}
            }
        matched = _replace_matching(resources, selector, partial(_merge_into, patch=patch))
        if not matched:
            raise LookupError(f"patch matches nothing: {selector}")


def _merge_into(resource: Resource, patch: Resource) -> Resource:
    merged: Resource = strategic_merge(resource, patch)
    return merged


def _replace_matching(
    resources: list[Resource], selector: dict[str, Any], change: Callable[[Resource], Resource]
) -> int:
    matched = 0
    for index, resource in enumerate(resources):
        if _selected(resource, selector):
            resources[index] = change(resource)
            matched += 1
    return matched


def _selected(resource: Resource, selector: dict[str, Any]) -> bool:
    unknown = set(selector) - {"kind", "name"}
    if unknown:
        raise UnsupportedKustomization(f"target fields {sorted(unknown)}")
    if "kind" in selector and resource["kind"] != selector["kind"]:
        return False
    name = resource["metadata"]["name"]
    return "name" not in selector or re.fullmatch(selector["name"], name) is not None


def _set_namespace(resources: list[Resource], namespace: str) -> None:
    for resource in resources:
        if resource["kind"] not in CLUSTER_SCOPED_KINDS:
            resource["metadata"]["namespace"] = namespace


def _add_labels(resources: list[Resource], label_set: dict[str, Any]) -> None:
    if label_set.get("includeSelectors", False):
        raise UnsupportedKustomization("labels with includeSelectors")
    pairs = label_set["pairs"]
    for resource in resources:
        resource["metadata"].setdefault("labels", {}).update(pairs)
        if label_set.get("includeTemplates", False) and resource["kind"] in POD_TEMPLATE_KINDS:
            template = resource["spec"]["template"].setdefault("metadata", {})
            template.setdefault("labels", {}).update(pairs)


def _set_image(resources: list[Resource], image: dict[str, str]) -> None:
    for resource in resources:
        for container in _containers(resource):
            name, _, _ = _split_image(container["image"])
            if name != image["name"]:
                continue
            _, tag, digest = _split_image(container["image"])
            new_name = image.get("newName", name)
            if "digest" in image:
                container["image"] = f"{new_name}@{image['digest']}"
            elif "newTag" in image:
                container["image"] = f"{new_name}:{image['newTag']}"
            else:
                suffix = f"@{digest}" if digest else f":{tag}" if tag else ""
                container["image"] = f"{new_name}{suffix}"


def _containers(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"containers", "initContainers"} and isinstance(value, list):
                found.extend(value)
            else:
                found.extend(_containers(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_containers(item))
    return found


def _split_image(reference: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference; a registry port is not a tag."""
    name, _, digest = reference.partition("@")
    head, _, last = name.rpartition("/")
    if ":" in last:
        last, _, tag = last.partition(":")
        return f"{head}/{last}" if head else last, tag, digest
    return name, "", digest


def _pointer(path: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in path.split("/")[1:]]


def _exists(node: Any, token: str) -> bool:
    if isinstance(node, list):
        return 0 <= int(token) < len(node)
    return token in node
