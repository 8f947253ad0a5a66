"""How a caller's tenant is chosen, the tenants file's checks, and reloads."""

from __future__ import annotations

import asyncio
import json
import string
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from idv_gateway import tenancy
from idv_gateway.http.demo_identity import demo_token
from idv_gateway.simulators._ops import credential_fingerprint
from idv_gateway.tenants_file import TenantsFileError, load_tenants_file
from tests.auth.idp import IdentityProvider
from tests.tenants.conftest import API_KEYS, World, tenant_gateway, tenants_toml

KAYLE = "{ kayleSessions(first: 5) { edges { node { providerSessionId } } } }"


async def test_a_credential_must_name_a_tenant_the_gateway_serves(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    async with tenant_gateway(world, idp, tmp_path) as gateway:

        async def ask(headers: dict[str, str]) -> tuple[int, str, str]:
            response = await gateway.client.post("/graphql", json={"query": KAYLE}, headers=headers)
            body = response.json()
            error = body.get("errors", [{}])[0]
            return (
                response.status_code,
                error.get("extensions", {}).get("code", ""),
                error.get("message", ""),
            )

        def bearer(token: str) -> dict[str, str]:
            return {"authorization": f"Bearer {token}"}

        status, code, message = await ask(bearer(gateway.token(None)))
        assert (status, code) == (401, "UNAUTHENTICATED") and "`tenant` claim" in message
        for unknown in ("initech", "default", "ACME", "acme " * 40):
            status, code, message = await ask(bearer(gateway.token(unknown)))
            assert (status, code) == (403, "FORBIDDEN"), unknown
            assert "is not served by this gateway" in message
        status, code, _ = await ask(bearer(idp.token(scope="sessions:read", tenant=["acme"])))
        assert (status, code) == (401, "UNAUTHENTICATED")  # not a string: never "no tenant"
        status, code, _ = await ask({"x-api-key": API_KEYS["nameless"][0]})
        assert (status, code) == (401, "UNAUTHENTICATED")
        for key_id, (key, tenant) in API_KEYS.items():
            if tenant is None:
                continue
            response = await gateway.client.post(
                "/graphql", json={"query": KAYLE}, headers={"x-api-key": key}
            )
            ids = [
                e["node"]["providerSessionId"]
                for e in response.json()["data"]["kayleSessions"]["edges"]
            ]
            assert len(ids) == 5 and all(world.accounts[tenant].owns(i) for i in ids), key_id


async def test_the_tenant_claim_name_is_configurable(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    async with tenant_gateway(world, idp, tmp_path, auth_tenant_claim="org") as gateway:
        token = idp.token(scope="sessions:read", org="globex", tenant="acme")
        response = await gateway.client.post(
            "/graphql", json={"query": KAYLE}, headers={"authorization": f"Bearer {token}"}
        )
        ids = [
            e["node"]["providerSessionId"]
            for e in response.json()["data"]["kayleSessions"]["edges"]
        ]
        assert ids and all(world.globex.owns(i) for i in ids)


async def test_metrics_and_audit_name_the_tenant(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    log = tmp_path / "audit.jsonl"
    names = "{ kycSessions(first: 3) { edges { node { fullName } } } }"
    async with tenant_gateway(world, idp, tmp_path, audit_log=str(log)) as gateway:
        for tenant in ("acme", "globex"):
            assert "errors" not in await gateway.query(tenant, names)
        metrics = (await gateway.client.get("/metrics")).text
    for tenant in ("acme", "globex"):
        assert f'route="GET /v3/sessions/",status="200",tenant="{tenant}"' in metrics
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(event["tenant"] for event in events) == ["acme", "globex"]
    for account in world.accounts.values():  # no key anywhere in what the gateway wrote
        for key in (account.didit_key, account.kayle_key):
            assert key not in metrics and key not in log.read_text()


async def test_reloads_remove_change_and_keep_the_last_good_file(
    world: World, idp: IdentityProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tenancy, "POLL_SECONDS", 0.05)
    async with tenant_gateway(world, idp, tmp_path) as gateway:
        directory = gateway.app.state.tenants
        tenants_file = gateway.tenants_file
        # A tenant removed from the file is refused from the next request on.
        tenants_file.write_text(tenants_toml(world, globex={"drop": True}))
        assert await directory.reload() == "applied"
        assert (await gateway.post("globex", KAYLE)).status_code == 403
        assert "errors" not in await gateway.query("acme", KAYLE)
        # A changed key (here from a key file) is what the next upstream call carries.
        key_file = tmp_path / "acme-kayle.key"
        key_file.write_text(world.acme.kayle_rotated_key + "\n")
        tenants_file.write_text(
            tenants_toml(
                world, acme={"kayle_api_key": None, "kayle_api_key_file": "acme-kayle.key"}
            )
        )
        await gateway.reset()
        for _ in range(100):  # the watcher notices without a signal
            if directory.find("globex") is not None:
                break
            await asyncio.sleep(0.05)
        assert directory.find("globex") is not None
        assert "errors" not in await gateway.query("acme", KAYLE)
        seen = (await gateway.stats())["acme.kayle"]["credentials"]
        assert set(seen) == {credential_fingerprint(world.acme.kayle_rotated_key)}
        # A file that does not hold keeps the last good configuration and says why.
        tenants_file.write_text("[tenants.acme\ndidit_base_url = 1")
        assert await directory.reload() == "rejected"
        assert "errors" not in await gateway.query("globex", KAYLE)
        ready = (await gateway.client.get("/readyz")).json()
        assert ready["tenantsFile"].startswith("last reload rejected: ")
        assert "not valid TOML" in ready["tenantsFile"]
        metrics = (await gateway.client.get("/metrics")).text
        assert 'idv_gateway_tenants_reloads_total{outcome="rejected"} 1.0' in metrics
        assert 'idv_gateway_tenants_reloads_total{outcome="applied"} 2.0' in metrics


def test_file_problems_are_named_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(
        "[tenants.acme]\n"
        'didit_base_url = "https://verification.didit.me"\n'
        'didit_api_key = "test-secret-inline-not-a-secret"\n'
        'didit_api_key_file = "didit.key"\n'
        'kayle_api_key = "test-secret-orphan-not-a-secret"\n'
        "rate_limit_per_minut = 5\n"
        "[tenants.Bad_Id]\n"
        'didit_base_url = "ftp://x"\n'
    )
    with pytest.raises(TenantsFileError) as raised:
        load_tenants_file(path)
    problems = raised.value.problems
    assert any("did you mean `rate_limit_per_minute`" in p for p in problems)
    assert any("exactly one of `didit_api_key` and `didit_api_key_file`" in p for p in problems)
    assert any("`kayle_api_key` is given without `kayle_base_url`" in p for p in problems)
    assert any("[tenants.Bad_Id]: a tenant id is" in p for p in problems)
    assert not any("not-a-secret" in p for p in problems)
    path.write_text(
        '[tenants.default]\ndidit_base_url = "https://d.example"\ndidit_api_key = "k"\n'
    )
    with pytest.raises(TenantsFileError, match="already the tenant"):
        load_tenants_file(path, env_default=True)


def _toml(value: object) -> str:
    """A TOML inline value (JSON's strings, numbers, booleans and arrays are TOML's)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


_VALUES = st.one_of(
    st.text(string.printable, max_size=30),
    st.integers(-5, 10**6),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(string.ascii_lowercase, max_size=5), st.integers(), max_size=2),
)
_NAMES = st.sampled_from(
    [
        "didit_base_url",
        "didit_api_key",
        "didit_api_key_file",
        "kayle_base_url",
        "kayle_api_key",
        "kayle_api_key_file",
        "rate_limit_per_minute",
        "upstream_calls_per_minute",
        "description",
        "didit_key",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    tenants=st.dictionaries(
        st.text(string.ascii_letters + string.digits + "-_ .", min_size=1, max_size=8),
        st.one_of(st.dictionaries(_NAMES, _VALUES, max_size=6), _VALUES),
        max_size=3,
    )
)
def test_any_file_is_either_tenants_or_named_problems(
    tenants: dict[str, object], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Generated files: a clear list of problems, never a crash, never a key echoed."""
    path = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    path.write_text(f"tenants = {_toml(tenants)}\n")
    problems: list[str] = []
    try:
        found = load_tenants_file(path)
    except TenantsFileError as problem:
        problems = problem.problems
        found = {}
    if not problems:
        assert found and all(t.access for t in found.values())
        return
    assert all(isinstance(p, str) and p for p in problems)
    for tenant in tenants.values():
        if isinstance(tenant, dict):
            for name in ("didit_api_key", "kayle_api_key"):
                value = tenant.get(name)
                if isinstance(value, str) and len(value) >= 8:
                    assert not any(value in p for p in problems)


async def test_the_demo_serves_acme_and_globex_over_data_of_their_own() -> None:
    from tests.auth.test_lockdown import _demo

    feed = {"query": "{ sessions(first: 30) { edges { node { id } } } }"}
    seen: dict[str, set[str]] = {}
    async with _demo() as demo:
        for tenant in ("default", "acme", "globex"):
            token = demo_token(["sessions:read"], tenant=tenant)
            response = await demo.post(
                "/graphql", json=feed, headers={"authorization": f"Bearer {token}"}
            )
            edges = response.json()["data"]["sessions"]["edges"]
            seen[tenant] = {e["node"]["id"] for e in edges}
            assert len(seen[tenant]) == 30
        unknown = demo_token(["sessions:read"], tenant="initech")
        refused = await demo.post(
            "/graphql", json=feed, headers={"authorization": f"Bearer {unknown}"}
        )
        assert refused.status_code == 403
        ready = (await demo.get("/readyz")).json()
    assert not (seen["acme"] & seen["globex"]) and not (seen["acme"] & seen["default"])
    assert set(ready["tenants"]) == {"default", "acme", "globex"}
