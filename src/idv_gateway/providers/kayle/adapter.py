"""Kayle adapter: `GET /v1/sessions` (id-ordered keyset pages) and `GET /v1/sessions/{id}`.

Attempts are always requested: a `completed` session is APPROVED or DECLINED only by
its attempts, and they come in the same round trip.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from idv_gateway.domain import KayleSession, Provider, SessionStatus
from idv_gateway.domain.filters import KayleFilter
from idv_gateway.errors import ProviderBadResponse
from idv_gateway.providers._upstream import Upstream
from idv_gateway.providers.base import CursorPage
from idv_gateway.providers.kayle._wire import ListEnvelope, SessionEnvelope, to_domain

__all__ = ["KayleProvider", "kayle_status_param"]

_SESSION_ID = re.compile(r"^vs_[A-Za-z0-9]{64}\Z")
# Kayle statuses that can hold sessions of each unified status.
_UPSTREAM: dict[SessionStatus, tuple[str, ...]] = {
    SessionStatus.NOT_STARTED: ("created",),
    SessionStatus.IN_PROGRESS: ("in_progress",),
    SessionStatus.APPROVED: ("completed", "succeeded"),
    SessionStatus.DECLINED: ("completed", "failed"),
    SessionStatus.EXPIRED: ("expired",),
    SessionStatus.CANCELLED: ("cancelled",),
}
# Sessions in these statuses can still change; the others are settled.
_ACTIVE = frozenset({"created", "in_progress"})
# Values the list route's `status` enum accepts (the API version we speak).
_FILTERABLE = frozenset({"created", "in_progress", "completed", "expired", "cancelled"})


class _NoMatch(Exception):
    pass


def kayle_status_param(statuses: tuple[SessionStatus, ...]) -> str | None:
    """The single upstream `status` that narrows the list, or None to refine locally."""
    if not statuses:
        return None
    upstream = {name for s in statuses for name in _UPSTREAM.get(s, ())}
    if not upstream:
        raise _NoMatch
    filterable = upstream & _FILTERABLE
    return next(iter(filterable)) if len(filterable) == 1 else None


def _iso_ms(value: datetime, *, round_up: bool) -> str:
    """Kayle wants `Z`-suffixed, millisecond timestamps; widen, then refine locally."""
    value = value.astimezone(UTC)
    truncated = value.replace(microsecond=value.microsecond // 1000 * 1000)
    if round_up and truncated != value:
        truncated += timedelta(milliseconds=1)
    return truncated.strftime("%Y-%m-%dT%H:%M:%S.") + f"{truncated.microsecond // 1000:03d}Z"


class KayleProvider:
    """Talks to Kayle through one long-lived client (base URL and bearer key preset)."""

    provider = Provider.KAYLE

    def __init__(self, *, upstream: Upstream) -> None:
        self._upstream = upstream

    def forget(self, session_id: str) -> int:
        """After a webhook: the session itself and every cached list page."""

        def stale(key: Hashable) -> bool:
            return key == ("GET", f"/v1/sessions/{session_id}") or (
                isinstance(key, tuple) and key[:2] == ("GET", "/v1/sessions")
            )

        return self._upstream.forget(stale)

    async def probe(self, within: float) -> str | None:
        """Readiness: the cheapest authenticated read (one row of the list)."""
        return await self._upstream.probe("/v1/sessions", {"limit": "1"}, within)

    async def list_sessions(
        self,
        flt: KayleFilter,
        *,
        created_from: datetime | None,
        created_to: datetime | None,
        starting_after: str | None,
        limit: int,
        include_attempts: bool = True,
    ) -> CursorPage[KayleSession]:
        """One id-ordered page. Without attempts a `completed` session's status is UNKNOWN."""
        try:
            status = kayle_status_param(flt.statuses)
        except _NoMatch:
            return CursorPage(rows=(), next_cursor=None)
        params = {"limit": str(limit)}
        if include_attempts:
            params["include_attempts"] = "true"  # any non-empty value is true to Kayle
        if status is not None:
            params["status"] = status
        if created_from is not None:
            params["created_from"] = _iso_ms(created_from, round_up=False)
        if created_to is not None:
            params["created_to"] = _iso_ms(created_to, round_up=True)
        if starting_after is not None:
            params["starting_after"] = starting_after

        async def fetch() -> CursorPage[KayleSession]:
            body = await self._upstream.get_json("/v1/sessions", params=params)
            try:
                envelope = ListEnvelope.model_validate(body)
            except ValidationError as exc:
                raise ProviderBadResponse(
                    self.provider,
                    f"sent a session list of unexpected shape ({exc.error_count()} errors)",
                ) from exc
            rows = tuple(to_domain(s) for s in envelope.data)
            more = envelope.pagination.has_more
            return CursorPage(
                rows=rows, next_cursor=envelope.pagination.next_cursor if more else None
            )

        key = ("GET", "/v1/sessions", tuple(sorted(params.items())))
        return await self._upstream.cached(key, fetch, self._upstream.policy.list_ttl)

    async def get_session(self, session_id: str) -> KayleSession | None:
        if not _SESSION_ID.match(session_id):
            return None
        path = f"/v1/sessions/{session_id}"

        async def fetch() -> KayleSession | None:
            body = await self._upstream.get_json(
                path, params={"include_attempts": "true"}, missing=(404,)
            )
            if body is None:
                return None
            try:
                return to_domain(SessionEnvelope.model_validate(body).data)
            except ValidationError as exc:
                raise ProviderBadResponse(
                    self.provider,
                    f"sent a session of unexpected shape ({exc.error_count()} errors)",
                ) from exc

        def ttl(session: KayleSession | None) -> float:
            final = session is not None and session.provider_status not in _ACTIVE
            return self._upstream.policy.detail_ttl(final)

        return await self._upstream.cached(("GET", path), fetch, ttl)
