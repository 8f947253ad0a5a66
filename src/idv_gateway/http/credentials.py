"""The credentials a gateway accepts, built once from its settings (docs/security.md)."""

from __future__ import annotations

import httpx

from idv_gateway.config import Settings
from idv_gateway.http.callers import Credentials
from idv_gateway.http.demo_identity import DEMO_AUDIENCE, DEMO_ISSUER, demo_key_set
from idv_gateway.http.identity import (
    ApiKeys,
    JwksCache,
    TokenRules,
    TokenVerifier,
    load_api_keys,
)

__all__ = ["build_credentials"]


def build_credentials(settings: Settings, jwks_client: httpx.AsyncClient) -> Credentials:
    """Raises ValueError (one line per problem) when the API keys file does not hold."""
    verifiers: dict[str, TokenVerifier] = {}
    jwks: JwksCache | None = None
    if settings.auth_jwks_url and settings.auth_issuer and settings.auth_audience:
        rules = TokenRules(
            settings.auth_issuer, settings.auth_audience, tenant_claim=settings.auth_tenant_claim
        )
        jwks = JwksCache(settings.auth_jwks_url, jwks_client)
        verifiers[settings.auth_issuer] = TokenVerifier(jwks, rules)
    if settings.demo_mode:  # `idv-gateway demo-token`: the embedded demo's key, never elsewhere
        demo = JwksCache(None, None, extra=demo_key_set())
        verifiers[DEMO_ISSUER] = TokenVerifier(demo, TokenRules(DEMO_ISSUER, DEMO_AUDIENCE))
    api_keys = None
    if settings.auth_api_keys_file is not None:
        api_keys = ApiKeys(load_api_keys(settings.auth_api_keys_file))
    return Credentials(
        enforced=settings.auth_enforced, verifiers=verifiers, api_keys=api_keys, jwks=jwks
    )
