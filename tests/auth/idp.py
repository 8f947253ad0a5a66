"""A test identity provider: a real JWKS over HTTP (uvicorn on a free port), key rotation,
and tokens signed the way real identity providers sign them (RS256, ES256, EdDSA)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.resilience.conftest import serve_in_thread

ISSUER = "https://login.example.test/"
AUDIENCE = "idv-gateway-tests"


@dataclass
class IdentityProvider:
    url: str = ""
    keys: list[Any] = field(default_factory=list)  # private keys; the JWKS lists them public
    fetches: int = 0

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    def add_key(self, kind: str = "RS256", kid: str | None = None) -> Any:
        if kind == "RS256":
            key: Any = RSAKey.generate_key(2048, {"alg": "RS256", "use": "sig"})
        elif kind == "ES256":
            key = ECKey.generate_key("P-256", {"alg": "ES256", "use": "sig"})
        else:
            key = OKPKey.generate_key("Ed25519", {"alg": "EdDSA", "use": "sig"})
        key.ensure_kid()
        if kid is not None:
            key = type(key).import_key(key.as_dict(private=True) | {"kid": kid})
        self.keys.append(key)
        return key

    def rotate(self, kind: str = "RS256") -> Any:
        """A new key first in the set, the old ones still listed (as IdPs rotate)."""
        key = self.add_key(kind)
        self.keys.insert(0, self.keys.pop())
        return key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.as_dict(private=False) for k in self.keys]}

    def token(
        self,
        key: Any = None,
        *,
        scope: str | list[str] | None = "sessions:read",
        claim: str = "scope",
        lifetime: int = 300,
        **claims: Any,
    ) -> str:
        key = key if key is not None else self.keys[0]
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": [AUDIENCE, "another-api"],
            "sub": "agent-7",
            "azp": "backoffice-app",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
        }
        if scope is not None:
            payload[claim] = scope
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        alg = key.as_dict()["alg"]
        with warnings.catch_warnings():  # joserfc flags EdDSA as superseded by Ed25519
            warnings.simplefilter("ignore")
            return jwt.encode({"alg": alg, "kid": key.kid}, payload, key, algorithms=[alg])


def _app(idp: IdentityProvider) -> Starlette:
    async def jwks(_: Request) -> JSONResponse:
        idp.fetches += 1
        return JSONResponse(idp.jwks())

    return Starlette(routes=[Route("/.well-known/jwks.json", jwks)])


def serve_idp() -> Iterator[IdentityProvider]:
    idp = IdentityProvider()
    idp.add_key("RS256")
    server, thread, idp.url = serve_in_thread(_app(idp))
    yield idp
    server.should_exit = True
    thread.join(timeout=10)
