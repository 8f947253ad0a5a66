"""Didit adapter: `GET /v3/sessions/` for KYC and KYB lists and single-session lookups.

KYC and KYB are always listed separately (`session_kind=user|business`): `all` pages both
kinds with one offset and applies KYC-only filters to KYC rows only, which would make a
merged order and honest filters impossible.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import UTC, date, datetime, time, timedelta

from pydantic import ValidationError

from idv_gateway.domain import KybSession, KycSession, Provider, SessionStatus
from idv_gateway.domain.decision import Decision
from idv_gateway.domain.filters import KybFilter, KycFilter
from idv_gateway.errors import ProviderBadResponse
from idv_gateway.providers._upstream import Upstream
from idv_gateway.providers.base import OffsetPage
from idv_gateway.providers.didit._wire import (
    ListEnvelope,
    is_business,
    kyb_to_domain,
    kyc_to_domain,
)
from idv_gateway.providers.didit.decisions import fetch_decision

__all__ = ["DIDIT_STATUS_NAMES", "DiditProvider"]

LIST_PATH = "/v3/sessions/"
# Didit's KYB `count` comes from a bounded scan and stops at this value.
KYB_COUNT_CAP = 100
DIDIT_STATUS_NAMES: dict[SessionStatus, str] = {
    SessionStatus.NOT_STARTED: "Not Started",
    SessionStatus.IN_PROGRESS: "In Progress",
    SessionStatus.AWAITING_USER: "Awaiting User",
    SessionStatus.IN_REVIEW: "In Review",
    SessionStatus.RESUBMITTED: "Resubmitted",
    SessionStatus.APPROVED: "Approved",
    SessionStatus.DECLINED: "Declined",
    SessionStatus.ABANDONED: "Abandoned",
    SessionStatus.EXPIRED: "Expired",
    SessionStatus.KYC_EXPIRED: "Kyc Expired",
}
# Statuses after which a decision changes only by a manual review.
_SETTLED = frozenset(
    {
        SessionStatus.APPROVED,
        SessionStatus.DECLINED,
        SessionStatus.EXPIRED,
        SessionStatus.ABANDONED,
        SessionStatus.KYC_EXPIRED,
    }
)
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)


class _NoMatch(Exception):
    """The filter cannot match any Didit session (e.g. only CANCELLED asked for)."""


def _statuses(statuses: tuple[SessionStatus, ...]) -> str | None:
    if not statuses:
        return None
    names = [DIDIT_STATUS_NAMES[s] for s in statuses if s in DIDIT_STATUS_NAMES]
    if not names:
        raise _NoMatch
    return ",".join(names)


def _day(value: datetime) -> date:
    return value.astimezone(UTC).date()


def _next_midnight(value: datetime) -> date:
    """The smallest date whose midnight is >= `value` (KYB `date_to` compares to midnight)."""
    day = _day(value)
    midnight = datetime.combine(day, time(), tzinfo=UTC)
    return day if value.astimezone(UTC) == midnight else day + timedelta(days=1)


def _is_midnight(value: datetime | None) -> bool:
    return value is None or value.astimezone(UTC).time() == time()


def _is_day_end(value: datetime | None) -> bool:
    return value is None or value.astimezone(UTC).time() == time(23, 59, 59, 999999)


def kyc_count_is_exact(flt: KycFilter) -> bool:
    """Didit filters KYC by whole days; its count is ours only for whole-day bounds."""
    return _is_midnight(flt.created_from) and _is_day_end(flt.created_to)


def kyb_count_is_exact(flt: KybFilter) -> bool:
    """KYB `date_to` means `created_at <= midnight`, so only midnight bounds are exact."""
    return _is_midnight(flt.created_from) and _is_midnight(flt.created_to)


def _put(params: dict[str, str], name: str, value: str | tuple[str, ...] | bool | None) -> None:
    if value is None or value == ():
        return
    if isinstance(value, bool):
        params[name] = "true" if value else "false"
    elif isinstance(value, tuple):
        params[name] = ",".join(value)
    else:
        params[name] = value


def _shared_params(kind: str, flt: KycFilter | KybFilter) -> dict[str, str]:
    """The parameters Didit honours for both kinds (`date_to` differs, so it is not here)."""
    params = {"session_kind": kind}
    _put(params, "status", _statuses(flt.statuses))
    _put(params, "vendor_data", flt.vendor_data)
    _put(params, "search", flt.search)
    _put(params, "workflow_id", flt.workflow_ids)
    if flt.created_from is not None:
        params["date_from"] = _day(flt.created_from).isoformat()
    _put(params, "country", flt.countries)
    _put(params, "warning", flt.warnings)
    _put(params, "organization_name", flt.organization_names)
    return params


def kyc_params(flt: KycFilter) -> dict[str, str]:
    params = _shared_params("user", flt)
    if flt.created_to is not None:
        params["date_to"] = _day(flt.created_to).isoformat()  # KYC includes the whole day
    _put(params, "document_type", flt.document_types)
    _put(params, "document_name", flt.document_names)
    _put(params, "region", flt.regions)
    _put(params, "didit_internal_id", flt.didit_internal_id)
    _put(params, "session_type", flt.session_types)
    _put(params, "api_service", flt.api_service)
    _put(params, "screened_full_name", flt.screened_full_name)
    _put(params, "status_initialized_as_in_review", flt.status_initialized_as_in_review)
    _put(params, "is_kyc_to_be_reviewed", flt.is_kyc_to_be_reviewed)
    _put(params, "euuid", flt.euuid)
    return params


def kyb_params(flt: KybFilter) -> dict[str, str]:
    params = _shared_params("business", flt)
    if flt.created_to is not None:
        params["date_to"] = _next_midnight(flt.created_to).isoformat()
    return params


class DiditProvider:
    """Talks to Didit through one long-lived client (base URL and `x-api-key` preset)."""

    provider = Provider.DIDIT

    def __init__(self, *, upstream: Upstream) -> None:
        self._upstream = upstream

    async def probe(self, within: float) -> str | None:
        """Readiness: the cheapest authenticated read (one row of the list)."""
        return await self._upstream.probe(LIST_PATH, {"limit": "1", "offset": "0"}, within)

    async def _page(
        self, params: dict[str, str], *, offset: int, limit: int, fresh: bool = False
    ) -> ListEnvelope:
        query = {**params, "limit": str(limit), "offset": str(offset)}

        async def fetch() -> ListEnvelope:
            body = await self._upstream.get_json(LIST_PATH, params=query)
            try:
                return ListEnvelope.model_validate(body)
            except ValidationError as exc:
                raise ProviderBadResponse(
                    self.provider,
                    f"sent a session list of unexpected shape ({exc.error_count()} errors)",
                ) from exc

        key = ("GET", LIST_PATH, tuple(sorted(query.items())))
        return await self._upstream.cached(key, fetch, self._upstream.policy.list_ttl, fresh=fresh)

    async def list_kyc(
        self, flt: KycFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KycSession]:
        try:
            params = kyc_params(flt)
        except _NoMatch:
            return OffsetPage(rows=(), total=0, has_more=False)
        envelope = await self._page(params, offset=offset, limit=limit, fresh=fresh)
        rows = tuple(kyc_to_domain(r) for r in envelope.results if not is_business(r))
        total = envelope.count if kyc_count_is_exact(flt) else None
        return OffsetPage(rows=rows, total=total, has_more=envelope.next is not None)

    async def list_kyb(
        self, flt: KybFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KybSession]:
        try:
            params = kyb_params(flt)
        except _NoMatch:
            return OffsetPage(rows=(), total=0, has_more=False)
        envelope = await self._page(params, offset=offset, limit=limit, fresh=fresh)
        rows = tuple(kyb_to_domain(r) for r in envelope.results if is_business(r))
        exact = envelope.count < KYB_COUNT_CAP and kyb_count_is_exact(flt)
        total = envelope.count if exact else None
        return OffsetPage(rows=rows, total=total, has_more=envelope.next is not None)

    async def get_decision(self, session_id: str) -> Decision | None:
        """The full decision (KYC or KYB shape); cached longer once the session is settled."""

        def ttl(decision: Decision | None) -> float:
            final = decision is not None and decision.status in _SETTLED
            return self._upstream.policy.detail_ttl(final)

        return await self._upstream.cached(
            ("decision", session_id), lambda: fetch_decision(self._upstream, session_id), ttl
        )

    def forget(self, session_id: str) -> int:
        """After a webhook: the session's decision and every cached list page (KYC and
        KYB rows come from the one list route, and a search page may hold the session)."""

        def stale(key: Hashable) -> bool:
            return key == ("decision", session_id) or (
                isinstance(key, tuple) and key[:2] == ("GET", LIST_PATH)
            )

        return self._upstream.forget(stale)

    async def get_kyc(self, session_id: str) -> KycSession | None:
        """Didit has no row-by-id route; `search=<full UUID>` looks up `session_id`."""
        if not _UUID.match(session_id):
            return None
        page = await self.list_kyc(KycFilter(search=session_id), offset=0, limit=5)
        return next((s for s in page.rows if s.provider_session_id == session_id), None)

    async def get_kyb(self, session_id: str) -> KybSession | None:
        if not _UUID.match(session_id):
            return None
        page = await self.list_kyb(KybFilter(search=session_id), offset=0, limit=5)
        return next((s for s in page.rows if s.provider_session_id == session_id), None)
