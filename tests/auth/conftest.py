"""Gateways with authentication on, in front of the in-process simulators."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.auth.idp import AUDIENCE, ISSUER, IdentityProvider, serve_idp
from tests.harness import Harness
from tests.resilience.conftest import local_harness

# Obviously fake keys; the file holds only their SHA-256.
API_KEYS = {
    "backoffice": (
        "test-key-backoffice-not-a-secret",
        ["sessions:read", "pii:read", "decisions:read"],
    ),
    "reporting": ("test-key-reporting-not-a-secret", ["sessions:read"]),
    "retired": ("test-key-retired-not-a-secret", ["sessions:read", "pii:read"]),
}


@pytest.fixture(scope="module")
def idp() -> Iterator[IdentityProvider]:
    yield from serve_idp()


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    lines = []
    for key_id, (key, scopes) in API_KEYS.items():
        lines += [
            f"[keys.{key_id}]",
            f'sha256 = "{hashlib.sha256(key.encode()).hexdigest()}"',
            f"scopes = {scopes!r}".replace("'", '"'),
        ]
        if key_id == "retired":
            lines.append("revoked = true")
        lines.append("")
    path = tmp_path / "api-keys.toml"
    path.write_text("\n".join(lines))
    return path


@contextlib.asynccontextmanager
async def auth_harness(
    idp: IdentityProvider, keys_file: Path | None = None, **overrides: Any
) -> AsyncIterator[Harness]:
    settings: dict[str, Any] = {
        "auth_disabled": False,
        "auth_jwks_url": idp.jwks_url,
        "auth_issuer": ISSUER,
        "auth_audience": AUDIENCE,
        "auth_api_keys_file": keys_file,
        **overrides,
    }
    async with local_harness(**settings) as harness:
        yield harness


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def api_key(key_id: str) -> dict[str, str]:
    return {"x-api-key": API_KEYS[key_id][0]}
