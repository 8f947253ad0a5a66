"""GraphQL over HTTP: graphql-http's own audit, plus what it cannot see.

The audit (`audit.mjs`, graphql-http's `auditServer`) is the reference implementation's
check of the GraphQL-over-HTTP spec; every MUST and every SHOULD has to pass. It is
schema-agnostic, so the tests after it pin what only our schema can show: a partial
failure stays HTTP 200 under both media types, and request errors keep their
`extensions.code` when they become HTTP 400.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from idv_gateway.http.media import GRAPHQL_RESPONSE_JSON, JSON, negotiate_media_type
from tests.gateway.queries import SESSIONS
from tests.harness import Harness

from .conftest import node_tool

pytestmark = pytest.mark.conformance

MODERN = {"accept": GRAPHQL_RESPONSE_JSON}
LEGACY = {"accept": JSON}


def test_graphql_http_audit_passes_every_must_and_should(gateway_url: str, artifacts: Path) -> None:
    run = node_tool("audit.mjs", gateway_url)
    (artifacts / "graphql-http-audit.txt").write_text(run.stdout + run.stderr)
    lines = run.stdout.strip().splitlines()
    assert lines, f"the audit printed nothing:\n{run.stderr}"
    summary = json.loads(lines[-1])
    failures = "\n".join(lines[:-1])
    assert summary["error"] == 0, f"MUST audits failed:\n{failures}"
    assert summary["warn"] == 0, f"SHOULD audits failed:\n{failures}"
    assert summary["ok"] == summary["total"] - summary["notice"] > 0
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/html", JSON),  # nothing acceptable: the traditional default
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0, */*", JSON),
        (f"application/json;q=0, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        ("Application/GraphQL-Response+JSON; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=oops, */*;q=0.1", JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=nan", GRAPHQL_RESPONSE_JSON),
    ],
)
def test_media_type_negotiation(accept: str | None, expected: str) -> None:
    assert negotiate_media_type(accept) == expected


async def _post(harness: Harness, headers: dict[str, str], document: str, **variables: Any):
    response = await harness.gateway.post(
        "/graphql", json={"query": document, "variables": variables}, headers=headers
    )
    return response, response.json()


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ sessions(first: 1) { edges ", {}, "GRAPHQL_PARSE_FAILED"),
        ("{ sessions(first: 1) { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        ('{ sessions(first: "ten") { totalCount } }', {}, "BAD_USER_INPUT"),
        ("query($n: Int!) { sessions(first: $n) { totalCount } }", {"n": "x"}, "BAD_USER_INPUT"),
        ("query($n: Int!) { sessions(first: $n) { totalCount } }", {}, "BAD_USER_INPUT"),
    ],
)
async def test_request_errors_are_400_without_data_for_modern_clients(
    harness: Harness, document: str, variables: dict[str, Any], code: str
) -> None:
    response, body = await _post(harness, MODERN, document, **variables)
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]

    response, body = await _post(harness, LEGACY, document, **variables)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_an_executed_request_with_a_field_error_is_200_for_every_client(
    harness: Harness,
) -> None:
    for headers, media_type in ((MODERN, GRAPHQL_RESPONSE_JSON), (LEGACY, JSON)):
        response, body = await _post(harness, headers, SESSIONS, first=0)
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert body["errors"][0]["path"] == ["page"]


async def test_a_partial_failure_is_200_with_data_and_errors_for_every_client(
    harness: Harness,
) -> None:
    fault = {"route": "GET /v1/sessions", "mode": "status", "status": 503}
    assert (await harness.kayle.post("/_sim/faults", json=fault)).status_code == 201
    for headers, media_type in ((MODERN, GRAPHQL_RESPONSE_JSON), (LEGACY, JSON)):
        response, body = await _post(harness, headers, SESSIONS, first=5)
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert body["data"]["page"]["edges"], "Didit's sessions are still served"
        [error] = body["errors"]
        assert error["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        assert error["extensions"]["provider"] == "KAYLE"
