"""Caller identity at the edge: every bad credential is a 401 that says why (never echoing
the credential); good ones from every accepted algorithm get in; JWKS rotation works."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import RSAKey

from tests.auth.conftest import API_KEYS, api_key, auth_harness, bearer
from tests.auth.idp import IdentityProvider

QUERY = {"query": "{ kycSessions(first: 2) { edges { node { id status } } } }"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": "https://login.example.test/",
        "aud": "idv-gateway-tests",
        "sub": "mallory",
        "exp": now + 300,
        "scope": "sessions:read pii:read",
        **extra,
    }


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    parts = [_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode())]
    return ".".join([*parts, _b64(signature)])


def _hs256_with_public_key(idp: IdentityProvider) -> str:
    """The RS→HS confusion attack: HMAC keyed with the RSA public key, which anyone has."""
    public = RSAKey.import_key(idp.keys[0].as_dict(private=False)).as_pem(private=False)
    header = {"alg": "HS256", "kid": idp.keys[0].kid}
    signing_input = ".".join(
        [_b64(json.dumps(header).encode()), _b64(json.dumps(_claims()).encode())]
    )
    mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _tampered(idp: IdentityProvider) -> str:
    header, payload, signature = idp.token(scope="sessions:read").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "sessions:read pii:read decisions:read"
    return ".".join([header, _b64(json.dumps(claims).encode()), signature])


def _cases(idp: IdentityProvider) -> list[tuple[str, dict[str, str], str]]:
    now = int(time.time())
    return [
        ("no credentials", {}, "no credentials"),
        ("expired", bearer(idp.token(exp=now - 120, iat=now - 600, nbf=now - 600)), "has expired"),
        ("not yet valid", bearer(idp.token(nbf=now + 600)), "not valid yet"),
        ("wrong issuer", bearer(idp.token(iss="https://evil.example.test/")), "issuer"),
        ("wrong audience", bearer(idp.token(aud="another-api")), "audience does not include"),
        ("no exp", bearer(idp.token(lifetime=0, exp=None)), "no `exp` claim"),
        (
            "unknown kid",
            bearer(idp.token(RSAKey.generate_key(2048, {"alg": "RS256", "kid": "stranger"}))),
            "is not one the identity provider lists",
        ),
        ("alg none", bearer(_unsigned({"alg": "none"}, _claims())), "'none' is not accepted"),
        (
            "HS256 with the public key",
            bearer(_hs256_with_public_key(idp)),
            "'HS256' is not accepted",
        ),
        ("tampered payload", bearer(_tampered(idp)), "signature does not verify"),
        ("not a JWT", bearer("not-a-jwt"), "not a JWT"),
        ("Basic scheme", {"authorization": "Basic YWxpY2U6cGFzcw=="}, "must be `Bearer <token>`"),
        ("unknown API key", {"x-api-key": "test-key-unknown-not-a-secret"}, "not known"),
        ("revoked API key", api_key("retired"), "'retired' is revoked"),
        ("two credentials", {**api_key("reporting"), **bearer(idp.token())}, "send one credential"),
    ]


async def test_every_bad_credential_is_a_401_that_says_why(
    idp: IdentityProvider, keys_file: Path
) -> None:
    async with auth_harness(idp, keys_file) as harness:
        for name, headers, reason in _cases(idp):
            response = await harness.gateway.post("/graphql", json=QUERY, headers=headers)
            assert response.status_code == 401, (name, response.text)
            [error] = response.json()["errors"]
            assert error["extensions"]["code"] == "UNAUTHENTICATED", name
            assert reason in error["message"], (name, error["message"])
            challenge = response.headers["www-authenticate"]
            assert challenge.startswith('Bearer realm="idv-gateway"'), name
            assert ('error="invalid_token"' in challenge) == (name != "no credentials"), name
            sent = headers.get("authorization", "").removeprefix("Bearer ") or headers.get(
                "x-api-key", "\0"
            )
            assert sent not in response.text and sent not in challenge, f"{name}: echoed"
            assert "data" not in response.json()
        assert (await harness.stats())["didit"]["total"] == 0  # nothing reached a provider


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
async def test_tokens_of_every_accepted_algorithm_get_in(
    idp: IdentityProvider, algorithm: str
) -> None:
    key = idp.add_key(algorithm)
    async with auth_harness(idp) as harness:
        response = await harness.gateway.post(
            "/graphql", json=QUERY, headers=bearer(idp.token(key))
        )
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]["kycSessions"]["edges"]) == 2


@pytest.mark.parametrize(
    ("claim", "value"),
    [("scope", "sessions:read"), ("scp", "sessions:read"), ("scp", ["sessions:read"])],
)
async def test_scopes_come_from_scope_or_scp(idp: IdentityProvider, claim: str, value: Any) -> None:
    async with auth_harness(idp) as harness:
        token = idp.token(scope=value, claim=claim)
        response = await harness.gateway.post("/graphql", json=QUERY, headers=bearer(token))
        assert response.status_code == 200
        assert "errors" not in response.json()
        denied = await harness.gateway.post(
            "/graphql", json=QUERY, headers=bearer(idp.token(scope="pii:read"))
        )
        [error] = denied.json()["errors"]
        assert error["extensions"] | {"code": "FORBIDDEN"} == error["extensions"]
        assert error["extensions"]["requiredScopes"] == ["sessions:read"]
        assert error["path"] == ["kycSessions"]


async def test_a_rotated_key_is_fetched_once_and_unknown_kids_cannot_hammer_the_idp(
    idp: IdentityProvider,
) -> None:
    async with auth_harness(idp) as harness:
        before = idp.fetches
        ok = await harness.gateway.post("/graphql", json=QUERY, headers=bearer(idp.token()))
        assert ok.status_code == 200
        assert idp.fetches == before + 1  # the first token fetched the set
        new_key = idp.rotate("ES256")
        rotated = await harness.gateway.post(
            "/graphql", json=QUERY, headers=bearer(idp.token(new_key))
        )
        assert rotated.status_code == 200, rotated.text
        assert idp.fetches == before + 2  # its unknown kid refetched the set, once
        stranger = RSAKey.generate_key(2048, {"alg": "RS256", "kid": "flood"})
        for _ in range(20):
            refused = await harness.gateway.post(
                "/graphql", json=QUERY, headers=bearer(idp.token(stranger))
            )
            assert refused.status_code == 401
        assert idp.fetches == before + 2  # within the minute: no refetch per unknown kid
        still = await harness.gateway.post("/graphql", json=QUERY, headers=bearer(idp.token()))
        assert still.status_code == 200


async def test_api_keys_carry_their_scopes(idp: IdentityProvider, keys_file: Path) -> None:
    async with auth_harness(idp, keys_file) as harness:
        document = {"query": "{ kycSessions(first: 20) { edges { node { id fullName } } } }"}
        full = await harness.gateway.post("/graphql", json=document, headers=api_key("backoffice"))
        names = [e["node"]["fullName"] for e in full.json()["data"]["kycSessions"]["edges"]]
        assert "errors" not in full.json() and any(names)
        partial = await harness.gateway.post(
            "/graphql", json=document, headers=api_key("reporting")
        )
        body = partial.json()
        assert [e["node"]["fullName"] for e in body["data"]["kycSessions"]["edges"]] == [None] * 20
        assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
        assert {tuple(e["extensions"]["requiredScopes"]) for e in body["errors"]} == {("pii:read",)}
        assert [e["path"] for e in body["errors"]] == [
            ["kycSessions", "edges", i, "node", "fullName"] for i in range(20)
        ]
        assert API_KEYS["reporting"][0] not in partial.text


async def test_readiness_says_whether_the_identity_providers_keys_are_reachable(
    idp: IdentityProvider,
) -> None:
    async with auth_harness(idp) as harness:
        ready = await harness.gateway.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["identityProvider"] == "ok"
        assert "warnings" not in ready.json()  # authentication is on
    async with auth_harness(idp, auth_jwks_url="http://127.0.0.1:9/jwks.json") as harness:
        down = await harness.gateway.get("/readyz")
        assert down.status_code == 503
        assert down.json()["identityProvider"].startswith("unreachable")
        refused = await harness.gateway.post("/graphql", json=QUERY, headers=bearer(idp.token()))
        assert refused.status_code == 503
        assert refused.json()["errors"][0]["extensions"]["code"] == "IDENTITY_UNAVAILABLE"


async def test_the_tenant_claim_is_read_from_the_configured_name(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    log = tmp_path / "audit.jsonl"
    names = {"query": "{ kycSessions(first: 20) { edges { node { fullName } } } }"}
    scopes = "sessions:read pii:read"
    async with auth_harness(idp, auth_tenant_claim="org", audit_log=str(log)) as harness:
        token = idp.token(scope=scopes, org="default", tenant="ignored")
        response = await harness.gateway.post("/graphql", json=names, headers=bearer(token))
        assert "errors" not in response.json()
        # The single-tenant gateway serves `default` only: another name is refused, never
        # quietly served the default tenant's sessions.
        other = idp.token(scope=scopes, org="acme-eu", tenant="default")
        refused = await harness.gateway.post("/graphql", json=names, headers=bearer(other))
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    [event] = [json.loads(line) for line in log.read_text().splitlines()]
    assert event["tenant"] == "default"


async def test_an_api_key_is_matched_on_the_bytes_sent(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    """The file holds the SHA-256 of the key's bytes (`printf '%s' "$KEY" | sha256sum`)."""
    key = "test-key-ünïcode-not-a-secret".encode()
    keys = tmp_path / "keys.toml"
    keys.write_text(
        f'[keys.intl]\nsha256 = "{hashlib.sha256(key).hexdigest()}"\nscopes = ["sessions:read"]\n'
    )
    async with auth_harness(idp, keys) as harness:
        ok = await harness.gateway.post("/graphql", json=QUERY, headers={b"x-api-key": key})
        assert ok.status_code == 200, ok.text
        other = await harness.gateway.post(
            "/graphql",
            json=QUERY,
            headers={b"x-api-key": key.decode().encode("latin-1", "replace")},
        )
        assert other.status_code == 401
