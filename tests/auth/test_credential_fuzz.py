"""Hostile credentials: whatever the bytes of `Authorization` and `X-API-Key`, and whatever
a token's header and claims hold (wrong types, huge values, nesting), the answer is a 401
with a reason, never a 500, and nothing reaches a provider."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.auth.conftest import auth_harness
from tests.auth.idp import IdentityProvider
from tests.harness import Harness

QUERY = {"query": "{ kycSessions(first: 1) { edges { cursor } } }"}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300)


def _b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@st.composite
def forged_tokens(draw: st.DrawFn) -> str:
    header = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "alg": st.sampled_from(["RS256", "ES256", "EdDSA", "none", "HS256", "RS1"]) | JSON,
                "kid": st.text(max_size=40) | JSON,
                "typ": JSON,
                "crit": JSON,
                "jku": st.just("http://127.0.0.1:1/jwks"),
            },
        )
    )
    claims = draw(
        st.dictionaries(
            st.sampled_from(["iss", "aud", "exp", "nbf", "iat", "sub", "scope", "scp", "azp"]),
            JSON,
            max_size=9,
        )
    )
    signature = draw(st.binary(max_size=300))
    parts = [_b64(header), _b64(claims), _b64(signature)]
    if draw(st.booleans()):
        parts = parts[: draw(st.integers(0, 3))] + draw(st.lists(st.text(max_size=10), max_size=2))
    return ".".join(parts)


async def _refused(harness: Harness, headers: dict[str, str]) -> None:
    raw = {name.encode(): value.encode() for name, value in headers.items()}  # bytes, as sent
    response = await harness.gateway.post("/graphql", json=QUERY, headers=raw)
    assert response.status_code == 401, (headers, response.text)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] and "Traceback" not in response.text


async def test_forged_tokens_and_hostile_headers_are_all_401(
    idp: IdentityProvider, keys_file: Path
) -> None:
    async with auth_harness(idp, keys_file) as harness:
        cases: list[dict[str, str]] = []

        @settings(
            max_examples=400,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            st.one_of(
                forged_tokens().map(lambda t: {"authorization": f"Bearer {t}"}),
                HEADER_TEXT.map(lambda t: {"authorization": t}),
                HEADER_TEXT.map(lambda t: {"authorization": f"Bearer {t}"}),
                HEADER_TEXT.map(lambda t: {"x-api-key": t}),
            )
        )
        def collect(headers: dict[str, str]) -> None:
            cases.append(headers)

        collect()
        deep = "[" * 2000 + "]" * 2000  # nesting past the JSON parser's recursion limit
        nested, sig = _b64(deep.encode()), _b64(b"x")
        cases += [
            {"authorization": f"Bearer {_b64({'alg': 'RS256'})}.{nested}.{sig}"},
            {"authorization": f"Bearer {nested}.{_b64({'iss': 'x'})}.{sig}"},
        ]
        for headers in cases:
            if headers.get("authorization", "x").strip() in ("", "Bearer"):
                headers = {**headers, "authorization": "Bearer -"}
            await _refused(harness, headers)
        stats = await harness.stats()
        assert stats["didit"]["total"] == 0 and stats["kayle"]["total"] == 0
        assert len(cases) == 402
