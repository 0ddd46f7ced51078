"""The OpenAPI schema: valid, complete, its examples valid, its documentation served locally."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_schema_is_valid_openapi_and_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_every_operation_has_a_response_schema_and_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert success, (method, path)
        for code, response in operation["responses"].items():
            if code == "204":  # no content
                continue
            assert "application/json" in response["content"], (method, path, code)
            if not code.startswith("2"):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
        if path != "/api/v1/auth/token/":
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_every_write_with_a_body_has_a_request_schema(schema):
    bodiless = {
        "/api/v1/quizzes/{key}/attempts/",
        "/api/v1/attempts/{attempt_id}/submit/",
        "/api/v1/review/next/",
        "/api/v1/cases/{key}/attempts/",
        "/api/v1/auth/logout/",
    }
    for path, method, operation in operations(schema):
        if method in ("post", "put", "patch") and path not in bodiless:
            assert "application/json" in operation["requestBody"]["content"], path


def examples_with_schemas(schema: dict[str, Any]):
    for path, method, operation in operations(schema):
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(code, response) for code, response in operation["responses"].items()]
        for where, body in bodies:
            for media in body.get("content", {}).values():
                for name, example in media.get("examples", {}).items():
                    yield f"{method} {path} {where} {name}", media["schema"], example["value"]


def test_every_example_validates_against_its_schema(schema):
    checked = 0
    for label, media_schema, value in examples_with_schemas(schema):
        validator = Draft202012Validator(media_schema | {"components": schema["components"]})
        errors = [error.message for error in validator.iter_errors(value)]
        assert errors == [], label
        checked += 1
    assert checked >= 20


def test_schema_is_public_but_the_api_is_not(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/v1/quizzes/").status_code == 401


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/swagger/"])
def test_documentation_pages_load_local_assets_and_no_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "://" not in html  # no CDN, no web fonts: every asset from this site
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_swagger_ui_initialiser_is_served_as_a_script_file(client):
    response = client.get("/api/swagger/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
