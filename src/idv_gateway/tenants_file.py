"""Tenants: who the gateway serves and with which provider credentials (docs/tenants.md).

A tenant is an organisation with its own Didit application and Kayle organisation, so
its own keys. `IDV_GATEWAY_TENANTS_FILE` (TOML) holds one `[tenants.<id>]` table per
tenant; the plain `IDV_GATEWAY_DIDIT_…`/`KAYLE_…` variables are the tenant `default`.
This module only reads and checks configuration: what is isolated per tenant is built
from it in `idv_gateway.tenancy`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey
from pydantic import SecretStr

from idv_gateway.config import Settings, kayle_secret_problem, load_private_jwk, url_problem
from idv_gateway.domain import Provider

__all__ = [
    "DEFAULT_TENANT",
    "TENANT_ID",
    "ProviderAccess",
    "TenantConfig",
    "TenantsFileError",
    "WebhookKeys",
    "env_tenant",
    "load_tenants_file",
    "watched_paths",
]

DEFAULT_TENANT = "default"
# Tenant ids appear in URLs (`/webhooks/{provider}/{tenant}`), metric labels and logs.
TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_PROVIDER_FIELDS = ("base_url", "api_key", "api_key_file")
_LIMIT_FIELDS = ("rate_limit_per_minute", "upstream_calls_per_minute")
_WEBHOOK_FIELDS = ("didit_webhook_secret", "kayle_webhook_secret", "kayle_webhook_private_jwk")
_FIELDS = frozenset(
    [f"{p.value.lower()}_{name}" for p in Provider for name in _PROVIDER_FIELDS]
    + [*_LIMIT_FIELDS, *_WEBHOOK_FIELDS, "description"]
)
_MAX_KEY_FILE_BYTES = 4_096


class TenantsFileError(ValueError):
    """One line per problem; no line holds a key."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class ProviderAccess:
    base_url: str
    api_key: SecretStr
    key_file: Path | None = None  # where the key was read from (reloads watch it)


@dataclass(frozen=True, slots=True)
class WebhookKeys:
    """What proves a webhook came from the tenant's provider account (docs/live.md)."""

    didit_secret: SecretStr | None = None
    kayle_secret: SecretStr | None = None
    kayle_private_key: RSAKey | None = None
    kayle_key_file: Path | None = None

    def digest(self) -> str:
        parts = [
            self.didit_secret.get_secret_value() if self.didit_secret else "",
            self.kayle_secret.get_secret_value() if self.kayle_secret else "",
            self.kayle_private_key.thumbprint() if self.kayle_private_key else "",
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TenantConfig:
    id: str
    access: dict[Provider, ProviderAccess] = field(default_factory=dict)
    # Per client of this tenant; None: the gateway-wide setting.
    rate_limit_per_minute: int | None = None
    upstream_calls_per_minute: int | None = None
    webhooks: WebhookKeys = field(default_factory=WebhookKeys)

    def fingerprint(self) -> str:
        """Changes whenever anything that shapes the tenant's upstreams changes, keys
        included; a digest, so comparing configurations never handles a key."""
        digest = hashlib.sha256(self.id.encode())
        for provider in Provider:
            entry = self.access.get(provider)
            if entry is not None:
                digest.update(f"|{provider.value}|{entry.base_url}|".encode())
                digest.update(entry.api_key.get_secret_value().encode())
        digest.update(f"|{self.rate_limit_per_minute}|{self.upstream_calls_per_minute}".encode())
        digest.update(self.webhooks.digest().encode())
        return digest.hexdigest()


def env_tenant(settings: Settings) -> TenantConfig | None:
    """The tenant `default` of the plain provider variables, when any provider is set."""
    access: dict[Provider, ProviderAccess] = {}
    for provider, url, key in (
        (Provider.DIDIT, settings.didit_base_url, settings.didit_api_key),
        (Provider.KAYLE, settings.kayle_base_url, settings.kayle_api_key),
    ):
        if url is not None and key is not None:
            access[provider] = ProviderAccess(url, key)
    jwk = settings.kayle_webhook_private_jwk
    webhooks = WebhookKeys(
        didit_secret=settings.didit_webhook_secret,
        kayle_secret=settings.kayle_webhook_secret,
        kayle_private_key=None if jwk is None else load_private_jwk(jwk),
        kayle_key_file=jwk,
    )
    return TenantConfig(DEFAULT_TENANT, access, webhooks=webhooks) if access else None


def load_tenants_file(path: Path, *, env_default: bool = False) -> dict[str, TenantConfig]:
    """Every tenant of the file, or TenantsFileError naming each problem.

    `env_default`: the plain provider variables already define `default`, so the file
    may not define it again."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TenantsFileError([f"cannot read {path}: {exc.strerror or exc}"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TenantsFileError([f"{path} is not valid TOML: {exc}"]) from None
    extra = sorted(set(document) - {"tenants"})
    tables = document.get("tenants")
    problems: list[str] = []
    if extra:
        problems.append(f"{path}: unknown top-level entr(y/ies) {', '.join(extra)}")
    if not isinstance(tables, dict) or not tables:
        raise TenantsFileError([*problems, f"{path} has no [tenants.<id>] table"])
    tenants: dict[str, TenantConfig] = {}
    for tenant_id, entry in tables.items():
        where = f"{path}: [tenants.{tenant_id}]"
        if not isinstance(tenant_id, str) or not TENANT_ID.fullmatch(tenant_id):
            problems.append(
                f"{where}: a tenant id is 1 to 63 lowercase letters, digits, '_' or '-', "
                "starting with a letter or digit"
            )
            continue
        if env_default and tenant_id == DEFAULT_TENANT:
            problems.append(
                f"{where}: `default` is already the tenant of IDV_GATEWAY_DIDIT_*/KAYLE_*; "
                "name this one differently or drop those variables"
            )
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        tenant = _tenant(tenant_id, entry, where, path.parent, problems)
        if tenant is not None:
            tenants[tenant_id] = tenant
    if problems:
        raise TenantsFileError(problems)
    return tenants


def _tenant(
    tenant_id: str, entry: dict[str, Any], where: str, base: Path, problems: list[str]
) -> TenantConfig | None:
    before = len(problems)
    for name in sorted(set(entry) - _FIELDS):
        close = difflib.get_close_matches(name, _FIELDS, n=1, cutoff=0.6)
        problems.append(
            f"{where}: `{name}` is not a tenant setting"
            + (f"; did you mean `{close[0]}`?" if close else "")
        )
    access: dict[Provider, ProviderAccess] = {}
    for provider in Provider:
        found = _provider_access(provider, entry, where, base, problems)
        if found is not None:
            access[provider] = found
    limits: dict[str, int | None] = {}
    for name in _LIMIT_FIELDS:
        value = entry.get(name)
        if value is not None and (type(value) is not int or value < 0):
            problems.append(f"{where}: `{name}` must be a whole number ≥ 0 (0: no limit)")
        limits[name] = value
    if not access and len(problems) == before:
        problems.append(f"{where}: names no provider (didit_base_url or kayle_base_url)")
    webhooks = _webhook_keys(entry, where, base, problems)
    if len(problems) != before:
        return None
    return TenantConfig(
        tenant_id,
        access,
        rate_limit_per_minute=limits["rate_limit_per_minute"],
        upstream_calls_per_minute=limits["upstream_calls_per_minute"],
        webhooks=webhooks,
    )


def _webhook_keys(
    entry: dict[str, Any], where: str, base: Path, problems: list[str]
) -> WebhookKeys:
    didit, kayle, jwk_path = (entry.get(name) for name in _WEBHOOK_FIELDS)
    for name, value in zip(_WEBHOOK_FIELDS, (didit, kayle, jwk_path), strict=True):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{where}: `{name}` must be a non-empty string")
            return WebhookKeys()
    if (kayle is None) != (jwk_path is None):
        problems.append(
            f"{where}: give both `kayle_webhook_secret` and `kayle_webhook_private_jwk`, or "
            "neither (Kayle signs with the one and encrypts to the other)"
        )
        return WebhookKeys()
    key = None
    key_file = None
    if kayle is not None and jwk_path is not None:
        if (problem := kayle_secret_problem(kayle)) is not None:
            problems.append(f"{where}: `kayle_webhook_secret` {problem}")
            return WebhookKeys()
        key_file = base / jwk_path
        try:
            key = load_private_jwk(key_file)
        except ValueError as problem:
            problems.append(f"{where}: `kayle_webhook_private_jwk`: {problem}")
            return WebhookKeys()
    return WebhookKeys(
        didit_secret=None if didit is None else SecretStr(didit),
        kayle_secret=None if kayle is None else SecretStr(kayle),
        kayle_private_key=key,
        kayle_key_file=key_file,
    )


def _provider_access(
    provider: Provider, entry: dict[str, Any], where: str, base: Path, problems: list[str]
) -> ProviderAccess | None:
    prefix = provider.value.lower()
    url, key, key_file = (entry.get(f"{prefix}_{name}") for name in _PROVIDER_FIELDS)
    if url is None and key is None and key_file is None:
        return None
    if not isinstance(url, str):
        problems.append(f"{where}: `{prefix}_api_key` is given without `{prefix}_base_url`")
        return None
    if (problem := url_problem(url)) is not None:
        problems.append(f"{where}: `{prefix}_base_url` {problem}")
        return None
    if (key is None) == (key_file is None):
        problems.append(
            f"{where}: give exactly one of `{prefix}_api_key` and `{prefix}_api_key_file`"
        )
        return None
    if key is not None:
        if not isinstance(key, str) or not key.strip():
            problems.append(f"{where}: `{prefix}_api_key` must be a non-empty string")
            return None
        return ProviderAccess(url, SecretStr(key))
    if not isinstance(key_file, str) or not key_file:
        problems.append(f"{where}: `{prefix}_api_key_file` must be a path")
        return None
    secret_path = base / key_file
    try:
        raw = secret_path.read_bytes()[: _MAX_KEY_FILE_BYTES + 1]
        text = raw.decode("utf-8").strip()
    except OSError as exc:
        problems.append(
            f"{where}: cannot read `{prefix}_api_key_file` {secret_path}: {exc.strerror or exc}"
        )
        return None
    except UnicodeDecodeError:
        problems.append(f"{where}: `{prefix}_api_key_file` {secret_path} is not UTF-8 text")
        return None
    if not text or len(raw) > _MAX_KEY_FILE_BYTES or any(c.isspace() for c in text):
        problems.append(
            f"{where}: `{prefix}_api_key_file` {secret_path} must hold one key on one line"
        )
        return None
    return ProviderAccess(url, SecretStr(text), key_file=secret_path)


def watched_paths(path: Path, tenants: Iterable[TenantConfig]) -> list[Path]:
    """The file and every key file it names: a change to any of them is a reload."""
    files = [path]
    for tenant in tenants:
        files += [a.key_file for a in tenant.access.values() if a.key_file is not None]
        if tenant.webhooks.kayle_key_file is not None:
            files.append(tenant.webhooks.kayle_key_file)
    return files
