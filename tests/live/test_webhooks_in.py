"""`POST /webhooks/{provider}`: what is proven is accepted once; nothing else is."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from joserfc.jwk import RSAKey

from tests.live.conftest import live_gateway, public_half
from tests.live.signing import (
    didit_delivery,
    didit_envelope,
    kayle_delivery,
    kayle_payload,
)

KYC_ID = "{ kycSessions(first: 1) { edges { node { providerSessionId status } } } }"
KAYLE_ID = "{ kayleSessions(first: 1) { edges { node { providerSessionId status } } } }"


async def _first(harness: Any, document: str) -> str:
    data = await harness.data(document)
    node: dict[str, str] = next(iter(data.values()))["edges"][0]["node"]
    return node["providerSessionId"]


async def _post(
    gateway: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    return await gateway.post(path, content=body, headers=headers)


def _webhook_counts(metrics: str) -> dict[tuple[str, str], float]:
    counts: dict[tuple[str, str], float] = {}
    for line in metrics.splitlines():
        if line.startswith("idv_gateway_webhooks_total{"):
            labels, value = line.rsplit(" ", 1)
            provider = labels.split('provider="')[1].split('"')[0]
            outcome = labels.split('outcome="')[1].split('"')[0]
            counts[(provider, outcome)] = float(value)
    return counts


async def test_didit_delivery_is_accepted_once_and_replays_are_acknowledged(
    gateway_key: tuple[RSAKey, Path],
) -> None:
    async with live_gateway(gateway_key[1]) as harness:
        session_id = await _first(harness, KYC_ID)
        body, headers = didit_delivery(didit_envelope(session_id, "Approved"))
        started = time.perf_counter()
        first = await _post(harness.gateway, "/webhooks/didit", body, headers)
        elapsed = time.perf_counter() - started
        replay = await _post(harness.gateway, "/webhooks/didit", body, headers)
        assert first.status_code == 202, first.text
        assert first.json()["status"] == "accepted"
        assert elapsed < 0.5  # acknowledged at once (in-process: well under a millisecond budget)
        assert replay.status_code == 200
        assert replay.json()["status"] == "duplicate"
        counts = _webhook_counts((await harness.gateway.get("/metrics")).text)
        assert counts[("didit", "accepted")] == 1.0
        assert counts[("didit", "duplicate")] == 1.0


async def test_didit_refuses_what_it_cannot_prove(gateway_key: tuple[RSAKey, Path]) -> None:
    async with live_gateway(gateway_key[1]) as harness:
        session_id = await _first(harness, KYC_ID)
        payload = didit_envelope(session_id, "Declined", vendor_data="user-42")
        body, headers = didit_delivery(payload)
        tampered = body.replace(b'"Declined"', b'"Approved"')
        wrong_secret = didit_delivery(payload, secret="another-applications-secret")
        stale_payload = {**payload, "timestamp": payload["timestamp"] - 301}
        stale = didit_delivery(stale_payload)
        freshened = dict(stale[1], **{"x-timestamp": str(payload["timestamp"])})
        cases = {
            "tampered body": (tampered, headers, "bad_signature"),
            "wrong secret": (wrong_secret[0], wrong_secret[1], "bad_signature"),
            "stale timestamp": (stale[0], stale[1], "stale"),
            "freshened X-Timestamp": (stale[0], freshened, "stale"),
            "no signature": (body, {"content-type": "application/json"}, "missing_signature"),
            "not JSON": (b"\xff\xfe", {"x-signature": "00"}, "bad_signature"),
        }
        for name, (raw, sent_headers, outcome) in cases.items():
            response = await _post(harness.gateway, "/webhooks/didit", raw, sent_headers)
            assert response.status_code == 401, (name, response.text)
            assert response.json()["status"] == outcome, name
            assert "user-42" not in response.text and "Declined" not in response.text
        # Nothing was processed: the genuine delivery is still new.
        genuine = await _post(harness.gateway, "/webhooks/didit", body, headers)
        assert genuine.status_code == 202


async def test_didit_v2_and_simple_signatures_are_accepted(
    gateway_key: tuple[RSAKey, Path],
) -> None:
    async with live_gateway(gateway_key[1]) as harness:
        session_id = await _first(harness, KYC_ID)
        payload = didit_envelope(session_id, "In Review", metadata={"note": "José 北京"})
        body, headers = didit_delivery(payload)
        # A proxy re-encoded the body without escapes: X-Signature no longer matches, V2 does.
        reencoded = body.decode("unicode_escape").encode()
        v2_only = {k: v for k, v in headers.items() if k != "x-signature"}
        assert (
            await _post(harness.gateway, "/webhooks/didit", reencoded, v2_only)
        ).status_code == 202
        # Simple signs the envelope fields only: the event id comes from them.
        other = didit_envelope(session_id, "Approved")
        body, headers = didit_delivery(other)
        simple_only = {
            k: v for k, v in headers.items() if k in ("x-signature-simple", "x-timestamp")
        }
        assert (
            await _post(harness.gateway, "/webhooks/didit", body, simple_only)
        ).status_code == 202
        again = didit_delivery({**other, "event_id": "a-different-unsigned-id"})
        replay = {k: v for k, v in again[1].items() if k in ("x-signature-simple", "x-timestamp")}
        answer = await _post(harness.gateway, "/webhooks/didit", again[0], replay)
        assert answer.json()["status"] == "duplicate"  # the unsigned id does not make it new


async def test_kayle_delivery_decrypts_once_and_refuses_the_rest(
    gateway_key: tuple[RSAKey, Path],
) -> None:
    key, key_path = gateway_key
    async with live_gateway(key_path) as harness:
        session_id = await _first(harness, KAYLE_ID)
        payload = kayle_payload(session_id)
        body, headers = kayle_delivery(payload, public_half(key))
        first = await _post(harness.gateway, "/webhooks/kayle", body, headers)
        assert first.status_code == 202, first.text
        replay = await _post(harness.gateway, "/webhooks/kayle", body, headers)
        assert replay.json()["status"] == "duplicate"

        other_key = RSAKey.generate_key(2048)
        fresh = kayle_payload(session_id)
        to_other_key = kayle_delivery(fresh, public_half(other_key))
        wrong_secret = kayle_delivery(fresh, public_half(key), secret="whsec_" + "x" * 32)
        stale = kayle_delivery(fresh, public_half(key), t=int(time.time()) - 400)
        good_body, good_headers = kayle_delivery(fresh, public_half(key))
        flipped = good_body[:-5] + (b"A" if good_body[-5:-4] != b"A" else b"B") + good_body[-4:]
        cases = {
            "encrypted to another key": (*to_other_key, 400, "undecryptable"),
            "wrong secret": (*wrong_secret, 401, "bad_signature"),
            "stale t": (*stale, 401, "stale"),
            "tampered body": (flipped, good_headers, 401, "bad_signature"),
            "no signature": (
                good_body,
                {"content-type": "application/jose"},
                401,
                "missing_signature",
            ),
            "malformed signature": (
                good_body,
                {"x-kayle-signature": "v1=abc"},
                401,
                "bad_signature",
            ),
        }
        for name, (raw, sent, status, outcome) in cases.items():
            response = await _post(harness.gateway, "/webhooks/kayle", raw, sent)
            assert response.status_code == status, (name, response.text)
            assert response.json()["status"] == outcome, name
        accepted = await _post(harness.gateway, "/webhooks/kayle", good_body, good_headers)
        assert accepted.status_code == 202


async def test_unknown_receivers_and_unconfigured_providers_are_404(
    gateway_key: tuple[RSAKey, Path],
) -> None:
    async with live_gateway(gateway_key[1]) as harness:
        for path in ("/webhooks/stripe", "/webhooks/didit/no-such-tenant"):
            response = await harness.gateway.post(path, content=b"{}")
            assert response.status_code == 404, path
    async with live_gateway(gateway_key[1], didit_webhook_secret=None) as harness:
        response = await harness.gateway.post("/webhooks/didit", content=b"{}")
        assert response.status_code == 404
        assert response.json()["status"] == "not_configured"
