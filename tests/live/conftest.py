"""Gateways with webhook receivers configured, over the simulators."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from tests.harness import Harness
from tests.live.signing import DIDIT_SECRET, KAYLE_SECRET
from tests.resilience.conftest import local_harness


@pytest.fixture(scope="session")
def gateway_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[RSAKey, Path]:
    """The gateway's webhook decryption key: Kayle encrypts to its public half."""
    key = RSAKey.generate_key(2048)
    path = tmp_path_factory.mktemp("keys") / "kayle-webhook.jwk.json"
    path.write_text(json.dumps(key.as_dict(private=True)))
    return key, path


def webhook_settings(key_path: Path) -> dict[str, Any]:
    return {
        "didit_webhook_secret": SecretStr(DIDIT_SECRET),
        "kayle_webhook_secret": SecretStr(KAYLE_SECRET),
        "kayle_webhook_private_jwk": key_path,
    }


@contextlib.asynccontextmanager
async def live_gateway(key_path: Path, **overrides: Any) -> AsyncIterator[Harness]:
    async with local_harness(**{**webhook_settings(key_path), **overrides}) as harness:
        yield harness


def public_half(key: RSAKey) -> RSAKey:
    return RSAKey.import_key(key.as_dict(private=False))
