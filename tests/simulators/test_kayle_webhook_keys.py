"""Kayle webhook encryption keys: JWK validation, zod bodies, rotation to a new active key."""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwe
from joserfc.jwk import RSAKey

from tests.simulators.kayle_support import AUTH, client_for, make_app, zod_body
from tests.simulators.webhook_support import RECEIVER, Receiver

ENDPOINTS = "/v1/webhooks/endpoints"
BAD_KEY = {
    "data": None,
    "error": {
        "code": "BAD_REQUEST",
        "message": "Bad request.",
        "hint": "Provide an RSA-OAEP-256 public JWK without private key material.",
        "docs": "https://kayle.id/docs/api/webhooks/keys#create",
    },
}


def app_with_keys(**options: Any) -> Any:
    return make_app(sessions=5, **options)


@functools.cache
def private_key() -> RSAKey:
    return RSAKey.generate_key(2048)


def public_jwk() -> dict[str, Any]:
    return dict(private_key().as_dict(private=False))


def small_jwk() -> dict[str, Any]:
    """A 1024-bit public JWK, built without joserfc (which warns on small keys)."""
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    n, e = numbers.public_numbers().n, numbers.public_numbers().e

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"kty": "RSA", "n": b64(n), "e": b64(e)}


def key_body(**change: Any) -> dict[str, Any]:
    return {
        "key_id": "k1",
        "jwk": public_jwk(),
        "algorithm": "RSA-OAEP-256",
        "key_type": "RSA",
        **change,
    }


async def create_endpoint(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(ENDPOINTS, json={"url": f"{RECEIVER}/k", **body}, headers=AUTH)


@pytest.mark.parametrize(
    "jwk",
    [
        {**public_jwk(), "d": "AQAB"},
        {**public_jwk(), "p": "AQAB", "q": "AQAB"},
        {**public_jwk(), "key_ops": ["decrypt"]},
        {**public_jwk(), "key_ops": ["encrypt", "sign"]},
        {**public_jwk(), "alg": "RSA1_5"},
        {**public_jwk(), "use": "sig"},
        {**public_jwk(), "kty": "EC"},
        {"kty": "RSA", "n": "", "e": "AQAB"},
    ],
)
async def test_refused_keys_are_400_envelopes(jwk: dict[str, Any]) -> None:
    async with client_for(app_with_keys()) as client:
        endpoint = (await create_endpoint(client)).json()["data"]["endpoint"]
        response = await client.post(
            f"{ENDPOINTS}/{endpoint['id']}/keys", json=key_body(jwk=jwk), headers=AUTH
        )
    assert (response.status_code, response.json()) == (400, BAD_KEY)


async def test_keys_under_2048_bits_are_refused() -> None:
    async with client_for(app_with_keys()) as client:
        endpoint = (await create_endpoint(client)).json()["data"]["endpoint"]
        response = await client.post(
            f"{ENDPOINTS}/{endpoint['id']}/keys", json=key_body(jwk=small_jwk()), headers=AUTH
        )
    assert (response.status_code, response.json()) == (400, BAD_KEY)


async def test_key_schema_errors_come_before_the_endpoint_lookup() -> None:
    async with client_for(app_with_keys()) as client:
        invalid = await client.post(
            f"{ENDPOINTS}/whe_unknown/keys",
            json={"jwk": "x", "algorithm": "RSA-OAEP", "key_type": "RSA"},
            headers=AUTH,
        )
        unknown = await client.post(f"{ENDPOINTS}/whe_unknown/keys", json=key_body(), headers=AUTH)
    assert invalid.status_code == 400
    assert invalid.text == zod_body(
        {
            "expected": "string",
            "code": "invalid_type",
            "path": ["key_id"],
            "message": "Invalid input: expected string, received undefined",
        },
        {
            "expected": "record",
            "code": "invalid_type",
            "path": ["jwk"],
            "message": "Invalid input: expected record, received string",
        },
        {
            "code": "invalid_value",
            "values": ["RSA-OAEP-256"],
            "path": ["algorithm"],
            "message": 'Invalid input: expected "RSA-OAEP-256"',
        },
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["docs"] == "https://kayle.id/docs/api/webhooks/keys#create"


async def test_a_new_key_deactivates_the_previous_one_and_deliveries_use_it() -> None:
    receiver = Receiver()
    app = app_with_keys(webhook_transport=receiver.transport())
    newer = RSAKey.generate_key(2048)
    async with client_for(app) as client:
        created = (await create_endpoint(client)).json()["data"]
        endpoint_id = created["endpoint"]["id"]
        first = await client.post(f"{ENDPOINTS}/{endpoint_id}/keys", json=key_body(), headers=AUTH)
        second = await client.post(
            f"{ENDPOINTS}/{endpoint_id}/keys",
            json=key_body(key_id="k2", jwk=newer.as_dict(private=False)),
            headers=AUTH,
        )
        keys = (await client.get(f"{ENDPOINTS}/{endpoint_id}/keys", headers=AUTH)).json()["data"]
        session_id = (await client.post("/v1/sessions", headers=AUTH)).json()["data"]["id"]
        await client.post(f"/v1/sessions/{session_id}/cancel", headers=AUTH)
        await app.state.webhooks.drain()
    key = first.json()["data"]
    assert re.fullmatch(r"whk_[a-z0-9]{32}", key["id"])
    assert key["webhook_endpoint_id"] == endpoint_id
    assert (key["key_id"], key["algorithm"], key["key_type"], key["is_active"]) == (
        "k1",
        "RSA-OAEP-256",
        "RSA",
        True,
    )
    assert key["jwk"] == {
        "alg": "RSA-OAEP-256",
        "e": public_jwk()["e"],
        "key_ops": ["encrypt"],
        "kty": "RSA",
        "n": public_jwk()["n"],
    }
    assert second.json()["data"]["is_active"] is True
    assert {k["key_id"]: k["is_active"] for k in keys} == {"k1": False, "k2": True}
    assert next(k for k in keys if k["key_id"] == "k1")["disabled_at"] is not None
    [delivery] = receiver.received
    decrypted = jwe.decrypt_compact(
        delivery.body.decode(), newer, algorithms=["RSA-OAEP-256", "A256GCM"]
    )
    assert decrypted.protected["kid"] == "k2"
