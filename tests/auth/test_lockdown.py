"""Production lockdown: secure defaults outside the demo, Host allow-list, CORS only when
asked, /metrics behind its token, no OpenAPI, no-store answers, per-client limits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from idv_gateway.app import create_app
from idv_gateway.config import Settings, configuration_problems
from idv_gateway.http.demo_identity import demo_token
from tests.auth.conftest import api_key, auth_harness, bearer
from tests.auth.idp import IdentityProvider

QUERY = {"query": "{ kybSessions(first: 1) { edges { cursor } } }"}


def test_providers_without_authentication_refuse_to_start() -> None:
    settings = Settings(
        didit_base_url="https://verification.didit.me",
        didit_api_key=SecretStr("didit-key-for-tests"),
        cursor_secret=SecretStr("x" * 32),
    )
    [problem] = configuration_problems(settings, {})
    assert problem.startswith("no caller authentication is configured")
    assert "IDV_GATEWAY_AUTH_DISABLED=true" in problem
    opted_out = settings.model_copy(update={"auth_disabled": True})
    assert configuration_problems(opted_out, {}) == []
    half = settings.model_copy(update={"auth_jwks_url": "https://login.example.test/jwks"})
    assert any(
        "AUTH_ISSUER, IDV_GATEWAY_AUTH_AUDIENCE missing" in p
        for p in configuration_problems(half, {})
    )


def test_serve_prints_one_line_and_exits_2_on_a_broken_keys_file(tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text(
        '[keys.ops]\nsha256 = "abc"\nscopes = ["sessions:read", "sessions:everything"]\n'
    )
    env = {
        "PATH": os.environ["PATH"],
        "IDV_GATEWAY_DIDIT_BASE_URL": "https://verification.didit.me",
        "IDV_GATEWAY_DIDIT_API_KEY": "didit-key-for-tests",
        "IDV_GATEWAY_CURSOR_SECRET": "c" * 32,
        "IDV_GATEWAY_AUTH_API_KEYS_FILE": str(keys),
    }
    run = subprocess.run(
        [sys.executable, "-m", "idv_gateway", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"idv-gateway: IDV_GATEWAY_AUTH_API_KEYS_FILE: {keys}: [keys.ops]: `sha256` must be "
        "the key's SHA-256 in 64 hex digits"
    ]
    assert "Traceback" not in run.stderr


async def test_outside_the_demo_graphiql_introspection_and_openapi_are_off(
    idp: IdentityProvider,
) -> None:
    async with auth_harness(idp, introspection_enabled=None, graphiql_enabled=None) as harness:
        headers = bearer(idp.token())
        page = await harness.gateway.get("/graphql", headers={"accept": "text/html", **headers})
        assert "GraphiQL" not in page.text
        assert (await harness.gateway.get("/graphiql/graphiql.min.js")).status_code == 404
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert (await harness.gateway.get(path)).status_code == 404, path
        for document in ("{ __schema { types { name } } }", "{ _service { sdl } }"):
            response = await harness.gateway.post(
                "/graphql", json={"query": document}, headers=headers
            )
            assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        answer = await harness.gateway.post("/graphql", json=QUERY, headers=headers)
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "access-control-allow-origin" not in answer.headers


async def test_only_allowed_hosts_are_served_and_probes_are_exempt(idp: IdentityProvider) -> None:
    async with auth_harness(idp, allowed_hosts="gateway.test, *.internal.example") as harness:
        headers = bearer(idp.token())
        ok = await harness.gateway.post("/graphql", json=QUERY, headers=headers)
        assert ok.status_code == 200
        sub = await harness.gateway.post(
            "/graphql", json=QUERY, headers={**headers, "host": "idv.internal.example:8443"}
        )
        assert sub.status_code == 200
        for host in ("attacker.example", "internal.example.evil", "gateway.test.evil", ""):
            refused = await harness.gateway.post(
                "/graphql", json=QUERY, headers={**headers, "host": host}
            )
            assert refused.status_code == 400, host
            assert refused.json()["errors"][0]["extensions"]["code"] == "HOST_NOT_ALLOWED"
        probe = await harness.gateway.get("/healthz", headers={"host": "10.0.0.7:8000"})
        assert probe.status_code == 200


async def test_cors_answers_only_listed_origins(idp: IdentityProvider) -> None:
    async with auth_harness(idp, cors_origins="https://backoffice.example") as harness:
        preflight = {
            "origin": "https://backoffice.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        }
        allowed = await harness.gateway.options("/graphql", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://backoffice.example"
        other = await harness.gateway.options(
            "/graphql", headers={**preflight, "origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


async def test_metrics_need_their_token_when_one_is_set(idp: IdentityProvider) -> None:
    async with auth_harness(idp, metrics_token=SecretStr("metrics-token-for-tests")) as harness:
        refused = await harness.gateway.get("/metrics")
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        wrong = await harness.gateway.get("/metrics", headers=bearer("metrics-token-wrong"))
        assert wrong.status_code == 401
        ok = await harness.gateway.get("/metrics", headers=bearer("metrics-token-for-tests"))
        assert ok.status_code == 200 and "idv_gateway_http_requests_total" in ok.text
        assert "metrics-token-for-tests" not in ok.text


async def test_a_client_over_its_rate_limit_gets_429_and_others_do_not(
    idp: IdentityProvider, keys_file: Path
) -> None:
    async with auth_harness(idp, keys_file, rate_limit_per_minute=5) as harness:
        codes = []
        for _ in range(7):
            response = await harness.gateway.post(
                "/graphql", json=QUERY, headers=api_key("reporting")
            )
            codes.append(response.status_code)
        assert codes == [200] * 5 + [429, 429]
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert error["extensions"]["retryAfterSeconds"] == int(response.headers["retry-after"])
        other = await harness.gateway.post("/graphql", json=QUERY, headers=api_key("backoffice"))
        assert other.status_code == 200  # limits are per client
        metrics = (await harness.gateway.get("/metrics")).text
        assert 'idv_gateway_edge_refusals_total{code="RATE_LIMITED"} 2.0' in metrics


async def test_upstream_calls_per_minute_are_charged_to_the_client(
    idp: IdentityProvider, keys_file: Path
) -> None:
    async with auth_harness(
        idp, keys_file, upstream_calls_per_minute=3, cache_enabled=False
    ) as harness:
        wide = {"query": "{ sessions(first: 5) { edges { cursor } } }"}  # 3 sources: 3 calls
        first = await harness.gateway.post("/graphql", json=wide, headers=api_key("reporting"))
        assert first.status_code == 200 and "errors" not in first.json()
        second = await harness.gateway.post("/graphql", json=wide, headers=api_key("reporting"))
        assert second.status_code == 429
        assert second.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other = await harness.gateway.post("/graphql", json=wide, headers=api_key("backoffice"))
        assert other.status_code == 200


@contextlib.asynccontextmanager
async def _demo(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(**settings))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as c,
    ):
        yield c


NAMES = {"query": "{ kycSessions(first: 20) { edges { node { fullName } } } }"}


async def test_the_open_demo_honours_demo_tokens_and_a_gateway_with_providers_never_does(
    idp: IdentityProvider, keys_file: Path
) -> None:
    narrow = bearer(demo_token(["sessions:read"]))
    async with _demo() as demo:
        open_answer = (await demo.post("/graphql", json=NAMES)).json()
        assert any(e["node"]["fullName"] for e in open_answer["data"]["kycSessions"]["edges"])
        scoped = (await demo.post("/graphql", json=NAMES, headers=narrow)).json()
        assert all(e["node"]["fullName"] is None for e in scoped["data"]["kycSessions"]["edges"])
        assert {e["extensions"]["code"] for e in scoped["errors"]} == {"FORBIDDEN"}
        forged = await demo.post("/graphql", json=NAMES, headers=bearer(idp.token()))
        assert forged.status_code == 401  # a token is checked even where none is needed
    async with _demo(auth_api_keys_file=keys_file) as locked:
        assert (await locked.post("/graphql", json=NAMES)).status_code == 401
        assert (await locked.post("/graphql", json=NAMES, headers=narrow)).status_code == 200
    async with auth_harness(idp) as production:
        refused = await production.gateway.post("/graphql", json=NAMES, headers=narrow)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
