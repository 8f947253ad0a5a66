"""The one place where HTTP outcomes become the gateway's error hierarchy.

Each error says whether the call may be retried at once (`transient`): connection
failures, 502/503/504 and 429. Timeouts are not: the attempt already spent its time, and
the request's deadline decides what is left. Nothing here retries; `Upstream` does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import httpx

from idv_gateway.domain import Provider
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)

__all__ = ["TRANSIENT_STATUSES", "get_json"]

TRANSIENT_STATUSES = frozenset({502, 503, 504})


async def get_json(
    client: httpx.AsyncClient,
    provider: Provider,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    missing: Collection[int] = (),
    within: float | None = None,
) -> Any:
    """GET `path` and return its JSON body, or None when the status is in `missing`.

    `within` (seconds) bounds the whole attempt (connect, headers and body): the client's own
    timeouts are per phase, and a body that trickles in would never trip them.
    """
    try:
        async with asyncio.timeout(within) as scope:
            response = await client.get(path, params=params)
    except TimeoutError as exc:
        if scope.expired():
            raise ProviderTimeout(provider, f"did not answer within {within:g} s") from exc
        raise _transport_error(provider, exc) from exc
    except (httpx.RequestError, aiohttp.ClientError, OSError) as exc:
        raise _transport_error(provider, exc) from exc
    return _outcome(provider, response, missing)


def _transport_error(provider: Provider, exc: BaseException) -> ProviderError:
    cause = exc.__cause__
    # httpx-aiohttp maps every aiohttp connection error (a reset included) to
    # ConnectTimeout: what lies underneath tells a dropped connection from a timeout.
    if isinstance(cause, aiohttp.ClientError) and not isinstance(cause, TimeoutError):
        return ProviderUnavailable(provider, "the connection failed", transient=True)
    if isinstance(exc, httpx.ConnectTimeout):
        # Nothing was sent yet: safe to try again at once.
        return ProviderTimeout(provider, "the connection timed out", transient=True)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return ProviderTimeout(provider, "the request timed out")
    return ProviderUnavailable(provider, "the connection failed", transient=True)


def _outcome(provider: Provider, response: httpx.Response, missing: Collection[int]) -> Any:
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
        raise ProviderUnavailable(
            provider,
            f"upstream error (HTTP {status})",
            status=status,
            transient=status in TRANSIENT_STATUSES,
        )
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
    """`Retry-After` as seconds: a number, or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, round((when - datetime.now(UTC)).total_seconds(), 3))


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
