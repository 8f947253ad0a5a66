"""The one place where httpx outcomes become the gateway's error hierarchy."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

import httpx

from idv_gateway.domain import Provider
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)

__all__ = ["get_json"]


async def get_json(
    client: httpx.AsyncClient,
    provider: Provider,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    missing: Collection[int] = (),
) -> Any:
    """GET `path` and return its JSON body, or None when the status is in `missing`."""
    try:
        response = await client.get(path, params=params)
    except httpx.TimeoutException as exc:
        raise ProviderTimeout(provider, "the request timed out") from exc
    except (httpx.TransportError, OSError) as exc:
        raise ProviderUnavailable(provider, "the connection failed") from exc
    status = response.status_code
    if status in missing:
        return None
    if status in (401, 403):
        raise ProviderAuthFailed(provider, "the API key was rejected", status=status)
    if status == 429:
        raise ProviderRateLimited(
            provider,
            "rate limit reached",
            status=status,
            retry_after=_retry_after(response.headers.get("retry-after")),
        )
    if status >= 500:
        raise ProviderUnavailable(provider, f"upstream error (HTTP {status})", status=status)
    if status != 200:
        raise ProviderBadResponse(
            provider, f"rejected the request (HTTP {status}){_fields(response)}", status=status
        )
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise ProviderBadResponse(
            provider, "returned a body that is not JSON", status=status, retryable=True
        ) from exc


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _fields(response: httpx.Response) -> str:
    """Names (never values) of the parameters a 400 body complains about."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and body and all(isinstance(k, str) for k in body):
        names = [k for k in body if k not in ("detail", "error", "success", "data")]
        if names:
            return f": invalid {', '.join(sorted(names))}"
    return ""
