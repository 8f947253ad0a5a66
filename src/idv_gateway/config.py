"""Settings from the environment (prefix `IDV_GATEWAY_`). Secrets are `SecretStr`.

The upstream policy and the query limits are documented, with their defaults, in
docs/errors.md. Per-provider settings (`DIDIT_…`, `KAYLE_…`) override the shared
`UPSTREAM_…` ones when set.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "configuration_problems", "get_settings", "url_problem"]

# Only for the embedded demo: a random secret per process would break cursors across
# workers, and a demo has nothing to protect.
DEMO_CURSOR_SECRET = "idv-gateway-demo-cursor-secret"
# A GraphQL operation name short enough to be a metric label (the metrics use it too).
OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# HMAC-SHA256 keys shorter than this are guessable offline from one issued cursor.
MIN_CURSOR_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDV_GATEWAY_", extra="ignore")

    didit_base_url: str | None = Field(
        default=None, description="Didit API root, e.g. https://verification.didit.me"
    )
    didit_api_key: SecretStr | None = Field(default=None, description="Didit `x-api-key`")
    kayle_base_url: str | None = Field(
        default=None, description="Kayle API root, e.g. https://api.kayle.id"
    )
    kayle_api_key: SecretStr | None = Field(default=None, description="Kayle bearer API key")
    cursor_secret: SecretStr | None = Field(
        default=None, description="HMAC key that signs pagination cursors"
    )

    # Upstream policy, shared by both providers unless a per-provider value is set.
    upstream_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Whole attempt of one upstream call: connect to last byte"
    )
    upstream_connect_timeout_seconds: float = Field(default=2.0, gt=0)
    upstream_read_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Longest silence while reading an answer"
    )
    max_upstream_concurrency: int = Field(default=32, ge=1, description="Per provider")
    upstream_retry_attempts: int = Field(
        default=3, ge=1, description="Attempts per upstream call, the first included"
    )
    upstream_retry_backoff_seconds: float = Field(
        default=0.1, ge=0, description="Wait before the first retry; doubles, with jitter"
    )
    upstream_retry_backoff_max_seconds: float = Field(default=1.0, ge=0)
    upstream_retry_after_max_seconds: float = Field(
        default=2.0, ge=0, description="Longest 429 `Retry-After` waited out; longer ones fail"
    )
    upstream_retry_budget: int = Field(
        default=10, ge=0, description="Retries per GraphQL request and provider"
    )
    upstream_breaker_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed calls that open the circuit"
    )
    upstream_breaker_cooldown_seconds: float = Field(
        default=10.0, gt=0, description="How long an open circuit fails fast before a probe"
    )
    didit_timeout_seconds: float | None = Field(default=None, gt=0)
    didit_retry_attempts: int | None = Field(default=None, ge=1)
    didit_breaker_threshold: int | None = Field(default=None, ge=1)
    didit_breaker_cooldown_seconds: float | None = Field(default=None, gt=0)
    kayle_timeout_seconds: float | None = Field(default=None, gt=0)
    kayle_retry_attempts: int | None = Field(default=None, ge=1)
    kayle_breaker_threshold: int | None = Field(default=None, ge=1)
    kayle_breaker_cooldown_seconds: float | None = Field(default=None, gt=0)

    header_read_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for a request's headers; closed after"
    )
    body_read_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for a request body; 408 after"
    )
    max_connections: int = Field(
        default=1024, ge=1, description="Open connections per worker; uvicorn answers 503 past"
    )
    keep_alive_timeout_seconds: int = Field(
        default=5, ge=1, description="An idle keep-alive connection is closed after"
    )
    max_inflight_operations: int = Field(
        default=32, ge=1, description="GraphQL operations running at once in a worker"
    )
    max_queued_operations: int = Field(
        default=128, ge=0, description="Operations waiting for a slot; beyond, 503 OVERLOADED"
    )
    admission_queue_seconds: float = Field(
        default=1.0, gt=0, description="Longest wait for a slot (and the Retry-After given)"
    )
    request_deadline_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Deadline of one GraphQL request, for all its upstream calls",
    )

    # Limits, checked before any upstream call.
    max_request_bytes: int = Field(default=1_048_576, ge=1024, description="HTTP body; 413 above")
    max_query_depth: int = Field(default=12, ge=1, description="Nesting of fields")
    max_query_aliases: int = Field(default=30, ge=0)
    max_query_tokens: int = Field(default=5_000, ge=1, description="Lexical tokens of a document")
    query_cost_budget: int = Field(
        default=1_000, ge=1, description="Estimated upstream rows and calls of one operation"
    )
    # Caller identity and lockdown (docs/security.md).
    auth_jwks_url: str | None = Field(
        default=None, description="JWKS of the identity provider whose tokens are accepted"
    )
    auth_issuer: str | None = Field(default=None, description="Required `iss` of tokens")
    auth_audience: str | None = Field(default=None, description="Required in `aud` of tokens")
    auth_api_keys_file: Path | None = Field(
        default=None, description="TOML file of service clients' API keys (SHA-256 only)"
    )
    auth_tenant_claim: str = Field(
        default="tenant", min_length=1, max_length=64, description="Token claim naming the tenant"
    )
    auth_disabled: bool = Field(
        default=False, description="Serve without authentication (an explicit opt-out)"
    )
    allowed_hosts: str = Field(
        default="", description="Comma-separated Host header values accepted (empty: any)"
    )
    cors_origins: str = Field(
        default="", description="Comma-separated browser origins allowed (empty: no CORS)"
    )
    graphiql_enabled: bool | None = Field(
        default=None, description="GraphiQL in browsers (default: on in the demo only)"
    )
    introspection_enabled: bool | None = Field(
        default=None,
        description="`__schema`/`__type` and federation's `_service` (default: demo only)",
    )
    trusted_documents: Path | None = Field(
        default=None, description="Manifest of the only documents that may run (Apollo or Relay)"
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token `/metrics` requires (unset: open)"
    )
    audit_log: str | None = Field(
        default=None, description="JSONL file of personal-data reads, or `-` for stdout"
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="GraphQL requests per client and minute (0: no limit)"
    )
    upstream_calls_per_minute: int = Field(
        default=3_000, ge=0, description="Upstream calls per client and minute (0: no limit)"
    )

    upstream_transport: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp", description="Outbound HTTP transport under httpx (see benchmarks)"
    )

    cache_enabled: bool = Field(
        default=True, description="Shared upstream cache and in-flight request coalescing"
    )
    cache_list_ttl_seconds: float = Field(default=5.0, ge=0, description="Reuse of list pages")
    cache_detail_ttl_seconds: float = Field(
        default=15.0, ge=0, description="Reuse of details of sessions that can still change"
    )
    cache_final_detail_ttl_seconds: float = Field(
        default=300.0, ge=0, description="Reuse of details of sessions in a final status"
    )
    cache_max_entries: int = Field(default=10_000, ge=1, description="Entries per worker")

    tenants_file: Path | None = Field(
        default=None,
        description="TOML file of tenants and their provider credentials (docs/tenants.md)",
    )

    didit_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Didit webhook destination's `secret_shared_key` (tenant `default`)",
    )
    kayle_webhook_secret: SecretStr | None = Field(
        default=None, description="Kayle webhook endpoint's signing secret `whsec_…`"
    )
    kayle_webhook_private_jwk: Path | None = Field(
        default=None,
        description="File with the RSA private JWK whose public half Kayle encrypts to",
    )
    max_subscriptions: int = Field(
        default=1_000, ge=1, description="Subscriptions one worker holds at once"
    )
    max_subscriptions_per_connection: int = Field(
        default=20, ge=1, description="Operations at once on one WebSocket"
    )
    subscription_buffer_events: int = Field(
        default=256,
        ge=1,
        le=100_000,
        description="Events a subscriber may fall behind before it is disconnected",
    )

    demo_seed: int = Field(default=7, description="Seed of the embedded demo's data")

    metric_operation_names: str = Field(
        default="",
        description="Comma-separated operation names always kept as metric labels",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Level of the JSON log lines on stderr"
    )
    otel_exporter: Literal["none", "console", "otlp"] = Field(
        default="none", description="Where OpenTelemetry spans go (none: tracing off)"
    )
    otel_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint (default: the OTel SDK's)"
    )

    @field_validator("cursor_secret")
    @classmethod
    def _cursor_secret_is_long(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            size = len(value.get_secret_value().encode())
            if size < MIN_CURSOR_SECRET_BYTES:
                raise ValueError(
                    f"must be at least {MIN_CURSOR_SECRET_BYTES} bytes (it is {size}); generate "
                    "one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
                )
        return value

    @field_validator("metric_operation_names")
    @classmethod
    def _operation_names_are_names(cls, value: str) -> str:
        for name in filter(None, (part.strip() for part in value.split(","))):
            if not OPERATION_NAME.fullmatch(name):
                raise ValueError(f"{name[:70]!r} is not a GraphQL operation name")
        return value

    def known_operations(self) -> list[str]:
        return [n.strip() for n in self.metric_operation_names.split(",") if n.strip()]

    @property
    def auth_configured(self) -> bool:
        return self.auth_jwks_url is not None or self.auth_api_keys_file is not None

    @property
    def auth_enforced(self) -> bool:
        """The demo is open unless authentication is configured; a gateway with providers
        is closed unless `auth_disabled` says otherwise (start-up refuses the middle)."""
        if self.demo_mode:
            return self.auth_configured
        return not self.auth_disabled

    @property
    def graphiql_on(self) -> bool:
        return self.demo_mode if self.graphiql_enabled is None else self.graphiql_enabled

    @property
    def introspection_on(self) -> bool:
        return self.demo_mode if self.introspection_enabled is None else self.introspection_enabled

    def host_allow_list(self) -> list[str]:
        return [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def demo_mode(self) -> bool:
        """No provider and no tenant configured: `serve` runs the simulators in-process."""
        return (
            self.didit_base_url is None
            and self.kayle_base_url is None
            and self.tenants_file is None
        )

    def cursor_key(self) -> bytes:
        if self.cursor_secret is not None:
            return self.cursor_secret.get_secret_value().encode()
        return DEMO_CURSOR_SECRET.encode()


ENV_PREFIX = "IDV_GATEWAY_"


def url_problem(value: str) -> str | None:
    # Echoed without anything before an `@`: a URL can carry a password.
    shown = repr(re.sub(r"[^/@]*@", "…@", value)[:80])
    if "@" in value:
        return "must not hold a user or password (the key goes in its own variable)"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return f"must start with https:// (or http://), got {shown}"
    if not parts.hostname:
        return f"has no host: {shown}"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return (
            f"must be the API root without a path, query or fragment (the gateway adds "
            f"/v3/... or /v1/...), got {shown}"
        )
    return None


def configuration_problems(settings: Settings, environ: Mapping[str, str]) -> list[str]:
    """Every reason not to start, one line each; none names a secret's value.

    The embedded demo starts only when no provider variable at all is set, so a typo in
    a variable name can never start it."""
    problems: list[str] = []
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    for variable in sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in known):
        close = difflib.get_close_matches(variable, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        problems.append(f"{variable}: not a setting of idv-gateway{hint}")
    for provider, url, key in (
        ("DIDIT", settings.didit_base_url, settings.didit_api_key),
        ("KAYLE", settings.kayle_base_url, settings.kayle_api_key),
    ):
        if url is not None and (problem := url_problem(url)) is not None:
            problems.append(f"{ENV_PREFIX}{provider}_BASE_URL: {problem}")
        if (url is None) != (key is None):
            have, missing = ("BASE_URL", "API_KEY") if key is None else ("API_KEY", "BASE_URL")
            problems.append(
                f"{ENV_PREFIX}{provider}_{missing} is missing: {ENV_PREFIX}{provider}_{have} "
                "is set, and a provider needs both"
            )
    problems.extend(_auth_problems(settings))
    problems.extend(_webhook_problems(settings))
    if not settings.demo_mode and settings.cursor_secret is None:
        problems.append(
            f"{ENV_PREFIX}CURSOR_SECRET is missing: it signs pagination cursors when providers "
            "are configured, and must be the same on every worker"
        )
    return problems


def _webhook_problems(settings: Settings) -> list[str]:
    """Kayle's webhooks need both halves: the signing secret and the decryption key."""
    problems: list[str] = []
    secret, jwk = settings.kayle_webhook_secret, settings.kayle_webhook_private_jwk
    if (secret is None) != (jwk is None):
        have, missing = (
            ("KAYLE_WEBHOOK_SECRET", "KAYLE_WEBHOOK_PRIVATE_JWK")
            if jwk is None
            else ("KAYLE_WEBHOOK_PRIVATE_JWK", "KAYLE_WEBHOOK_SECRET")
        )
        problems.append(
            f"{ENV_PREFIX}{missing} is missing: {ENV_PREFIX}{have} is set, and Kayle's "
            "webhooks are signed with the secret and encrypted to the key"
        )
    if secret is not None and (problem := kayle_secret_problem(secret.get_secret_value())):
        problems.append(f"{ENV_PREFIX}KAYLE_WEBHOOK_SECRET: {problem}")
    didit = settings.didit_webhook_secret
    if didit is not None and not didit.get_secret_value().strip():
        problems.append(f"{ENV_PREFIX}DIDIT_WEBHOOK_SECRET: is empty")
    if jwk is not None and (problem := private_jwk_problem(jwk)):
        problems.append(f"{ENV_PREFIX}KAYLE_WEBHOOK_PRIVATE_JWK: {problem}")
    return problems


def kayle_secret_problem(secret: str) -> str | None:
    if not secret.startswith("whsec_") or len(secret) < 16 or any(c.isspace() for c in secret):
        return "must be the endpoint's signing secret, `whsec_` and its characters"
    return None


def load_private_jwk(path: Path) -> RSAKey:
    """The RSA private key (JWK JSON, at least 2048 bits); ValueError says what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > 64_000:
        raise ValueError(f"{path} is larger than a JWK")
    try:
        key = RSAKey.import_key(json.loads(raw))
    except (ValueError, TypeError, JoseError):
        raise ValueError(f"{path} does not hold an RSA JWK (JSON)") from None
    if not key.is_private:
        raise ValueError(f"{path} holds a public key; the gateway needs the private one")
    if key.raw_value.key_size < 2048:
        raise ValueError(f"{path} holds a key of {key.raw_value.key_size} bits; Kayle needs ≥ 2048")
    return key


def private_jwk_problem(path: Path) -> str | None:
    try:
        load_private_jwk(path)
    except ValueError as problem:
        return str(problem)
    return None


def _auth_problems(settings: Settings) -> list[str]:
    problems: list[str] = []
    token_settings = {
        "AUTH_JWKS_URL": settings.auth_jwks_url,
        "AUTH_ISSUER": settings.auth_issuer,
        "AUTH_AUDIENCE": settings.auth_audience,
    }
    given = [name for name, value in token_settings.items() if value]
    if given and len(given) < len(token_settings):
        missing = [ENV_PREFIX + n for n in token_settings if n not in given]
        problems.append(
            f"{', '.join(missing)} missing: tokens are checked against a JWKS, an issuer and "
            "an audience together"
        )
    if settings.auth_jwks_url is not None:
        parts = urlsplit(settings.auth_jwks_url)
        if "@" in settings.auth_jwks_url or parts.scheme not in ("http", "https"):
            problems.append(f"{ENV_PREFIX}AUTH_JWKS_URL: must be an https:// (or http://) URL")
    if settings.auth_disabled and settings.tenants_file is not None:
        problems.append(
            f"{ENV_PREFIX}AUTH_DISABLED=true cannot serve {ENV_PREFIX}TENANTS_FILE: a caller's "
            "tenant comes from its token or API key, and without them every caller would be "
            "the tenant `default`"
        )
    if settings.auth_disabled and settings.auth_configured:
        problems.append(
            f"{ENV_PREFIX}AUTH_DISABLED=true contradicts the authentication settings given"
        )
    if not settings.demo_mode and not settings.auth_disabled and not settings.auth_configured:
        problems.append(
            "no caller authentication is configured, and this gateway serves personal data: "
            f"set {ENV_PREFIX}AUTH_JWKS_URL (with _ISSUER and _AUDIENCE) or "
            f"{ENV_PREFIX}AUTH_API_KEYS_FILE, or {ENV_PREFIX}AUTH_DISABLED=true to let anyone "
            "who reaches the port read everything"
        )
    return problems


@lru_cache
def get_settings() -> Settings:
    return Settings()
