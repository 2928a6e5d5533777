"""The OpenAPI document: generated from the routes, committed, valid 3.1, examples that hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from openapi_spec_validator import OpenAPIV31SpecValidator

from sightsync.gateway.entrypoints.http.openapi import render
from sightsync.gateway.entrypoints.http.operations import API_BASE
from sightsync.gateway.entrypoints.http.routes import ROUTE_MODULES, application_operations
from sightsync.gateway.entrypoints.http.routes.documentation import ASSETS_PATH
from sightsync.gateway.entrypoints.http.schemas import Error

COMMITTED = Path(__file__).parents[3] / "docs" / "openapi.json"
REGENERATE = (
    "docs/openapi.json is stale: run `uv run python -m "
    "sightsync.gateway.entrypoints.http.openapi > docs/openapi.json` and commit it"
)
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(render(application_operations()))
    return parsed


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_document_is_the_generated_one() -> None:
    assert COMMITTED.read_text() == render(application_operations()), REGENERATE


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(document).validate()


def test_every_api_route_is_documented_and_nothing_else() -> None:
    app = web.Application()
    for add_routes in ROUTE_MODULES:
        add_routes(app)
    routed = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    }
    documented = {
        (method, API_BASE + path)
        for method, path, _ in _operations(json.loads(render(application_operations())))
    }

    assert routed - documented == {("GET", ASSETS_PATH + "/{name}")}
    assert documented <= routed


def test_operation_ids_are_unique_and_links_name_real_operations(
    document: dict[str, Any],
) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    for _, _, operation in _operations(document):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids


def test_every_authenticated_operation_documents_the_shared_failures(
    document: dict[str, Any],
) -> None:
    for method, path, operation in _operations(document):
        statuses = set(operation["responses"])
        assert "500" in statuses, (method, path)
        if operation.get("security") == []:
            assert "401" not in statuses
            continue
        assert {"401", "429", "503"} <= statuses, (method, path)
        if "requestBody" in operation or any(
            p["in"] in {"query", "header"} for p in operation.get("parameters", [])
        ):
            assert "400" in statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


def test_every_response_names_its_request_id_header(document: dict[str, Any]) -> None:
    for _, _, operation in _operations(document):
        for status, response in operation["responses"].items():
            assert "X-Request-Id" in response["headers"], status
            if status == "503":
                assert response["headers"]["Retry-After"]["required"] is True


def test_the_recall_operation_takes_an_idempotency_key(document: dict[str, Any]) -> None:
    recall = document["paths"]["/recall"]["post"]

    [header] = [p for p in recall["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", False)
    assert {"402", "404", "409", "422", "425", "429", "451"} <= set(recall["responses"])


def test_query_parameters_come_from_the_query_models(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in document["paths"]["/appointments"]["get"]["parameters"]}

    assert set(parameters) == {
        "limit",
        "offset",
        "status",
        "from_date",
        "to_date",
        "patient_id",
    }
    assert parameters["limit"]["schema"] == {
        "default": 100,
        "maximum": 500,
        "minimum": 1,
        "type": "integer",
    }
    assert parameters["from_date"]["schema"]["format"] == "date"
    assert "null" not in json.dumps(parameters["status"]["schema"])


def test_request_body_examples_are_accepted_by_the_gateway() -> None:
    bodies = [operation.body for operation in application_operations() if operation.body]
    assert len(bodies) == 5
    for model in bodies:
        examples = model.model_json_schema()["examples"]
        for example in examples:
            model.model_validate_json(json.dumps(example))


def test_schema_examples_match_their_schemas(document: dict[str, Any]) -> None:
    validator = _validator(document)
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            validator(example, {"$ref": f"#/components/schemas/{name}"})


def test_response_examples_match_their_schemas(document: dict[str, Any]) -> None:
    validator = _validator(document)
    checked = 0
    for _, _, operation in _operations(document):
        for response in operation["responses"].values():
            for media in response.get("content", {}).values():
                if "example" in media:
                    validator(media["example"], media["schema"])
                    checked += 1
    assert checked > 20


def test_error_examples_are_errors_the_gateway_would_send(document: dict[str, Any]) -> None:
    for _, _, operation in _operations(document):
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json", {})
            if int(status) >= 400:
                assert media["schema"] == {"$ref": "#/components/schemas/Error"}
                Error.model_validate(media.get("example", {"error": "x"}))


def _validator(document: dict[str, Any]) -> Any:
    def validate(instance: Any, schema: dict[str, Any]) -> None:
        jsonschema.Draft202012Validator(
            {**schema, "components": document["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        ).validate(instance)

    return validate
