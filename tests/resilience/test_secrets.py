"""Provider keys never appear in a response, an error or a log line, whatever fails."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.resilience.conftest import FAST, fault, local_harness

DIDIT_KEY = "didit-SECRET-5f2a9c0e71b34d8e"
KAYLE_KEY = "kk_SECRET_kayle_0b9d2f61c7a84e53"
KEYS = {"didit_api_key": SecretStr(DIDIT_KEY), "kayle_api_key": SecretStr(KAYLE_KEY)}
UNIFIED = "{ sessions(first: 4) { edges { node { id source } } } }"
NODES = """query ($ids: [ID!]!) { nodes(ids: $ids) {
  id ... on KycSession { decision { status } } } }"""
IDS = """{
  kycSessions(first: 2) { edges { node { id } } }
  kayleSessions(first: 2) { edges { node { id } } }
}"""
FAULTS: list[dict[str, Any]] = [
    {"mode": "delay", "delay_ms": 400},
    {"mode": "status", "status": 503},
    {"mode": "status", "status": 500},
    {"mode": "status", "status": 429, "retry_after": 30},
    {"mode": "status", "status": 400},
    {"mode": "malformed"},
    {"mode": "reset"},
    {"mode": "slow_body", "delay_ms": 400},
]


class _Exploding(httpx.AsyncBaseTransport):
    """A transport failing in a way the gateway does not expect (a bug): masked, logged."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"unexpected failure for {request!r}")


def _assert_secret_free(texts: list[str]) -> None:
    for text in texts:
        assert DIDIT_KEY not in text
        assert KAYLE_KEY not in text
        assert "SECRET" not in text


async def test_no_key_in_responses_or_logs_under_every_fault(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    quick = {**FAST, **KEYS, "upstream_timeout_seconds": 0.15}
    async with local_harness(didit_key=DIDIT_KEY, kayle_key=KAYLE_KEY, **quick) as harness:
        data = await harness.data(IDS)
        ids = [e["node"]["id"] for key in data for e in data[key]["edges"]]
        for spec in FAULTS:
            for client in (harness.didit, harness.kayle):
                await fault(client, **spec)
                for document, variables in ((UNIFIED, {}), (NODES, {"ids": ids})):
                    response = await harness.gateway.post(
                        "/graphql", json={"query": document, "variables": variables}
                    )
                    assert response.status_code == 200
                    assert response.json()["errors"]
                    texts.append(response.text)
                await client.delete("/_sim/faults")
        texts.append((await harness.gateway.get("/readyz")).text)
    texts.append(caplog.text)
    _assert_secret_free(texts)


async def test_no_key_when_a_key_is_refused(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = {
        "didit_api_key": SecretStr(DIDIT_KEY + "-old"),
        "kayle_api_key": SecretStr(KAYLE_KEY + "_old"),
    }
    async with local_harness(didit_key=DIDIT_KEY, kayle_key=KAYLE_KEY, **wrong) as harness:
        body = await harness.query(UNIFIED)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"PROVIDER_AUTH_FAILED"}
    assert {e["extensions"]["retryable"] for e in body["errors"]} == {False}
    _assert_secret_free([str(body), caplog.text])


async def test_no_key_in_a_masked_internal_error_or_its_logged_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from asgi_lifespan import LifespanManager

    from idv_gateway.app import create_app
    from idv_gateway.domain import Provider
    from tests.harness import gateway_settings

    caplog.set_level(logging.DEBUG)
    app = create_app(
        gateway_settings(**KEYS),
        transports={Provider.DIDIT: _Exploding(), Provider.KAYLE: _Exploding()},
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway.test"
        ) as client,
    ):
        response = await client.post("/graphql", json={"query": UNIFIED})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "Traceback" not in response.text and "RuntimeError" not in response.text
    assert "Traceback" in caplog.text  # the details are in the log
    _assert_secret_free([response.text, caplog.text])
