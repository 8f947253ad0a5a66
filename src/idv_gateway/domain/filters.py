"""Per-source filters in the gateway's vocabulary, and their exact local predicates.

Upstreams evaluate filters coarsely (Didit by whole days, Kayle by one status at a time);
the adapters ask for a superset and `matches()` refines it to the exact meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from idv_gateway.domain.sessions import (
    KayleSession,
    KybSession,
    KycSession,
    Session,
    SessionSource,
    SessionStatus,
)

__all__ = [
    "KayleFilter",
    "KybFilter",
    "KycFilter",
    "SessionFilter",
    "SourceFilter",
    "source_of",
]


def _refine(flt: KycFilter | KybFilter | KayleFilter, session: Session) -> bool:
    """What upstreams evaluate coarsely: the unified status and the exact instants."""
    if flt.statuses and session.status not in flt.statuses:
        return False
    start, end = flt.created_from, flt.created_to
    return (start is None or session.created_at >= start) and (
        end is None or session.created_at <= end
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class KycFilter:
    statuses: tuple[SessionStatus, ...] = ()
    vendor_data: str | None = None
    search: str | None = None
    workflow_ids: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    countries: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()
    document_names: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    didit_internal_id: str | None = None
    session_types: tuple[str, ...] = ()
    api_service: str | None = None
    screened_full_name: str | None = None
    warnings: tuple[str, ...] = ()
    status_initialized_as_in_review: bool | None = None
    is_kyc_to_be_reviewed: bool | None = None
    euuid: str | None = None
    organization_names: tuple[str, ...] = ()

    def matches(self, session: Session) -> bool:
        return isinstance(session, KycSession) and _refine(self, session)


@dataclass(frozen=True, slots=True, kw_only=True)
class KybFilter:
    """Only the parameters Didit honours for business sessions."""

    statuses: tuple[SessionStatus, ...] = ()
    vendor_data: str | None = None
    search: str | None = None
    workflow_ids: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    countries: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    organization_names: tuple[str, ...] = ()

    def matches(self, session: Session) -> bool:
        return isinstance(session, KybSession) and _refine(self, session)


@dataclass(frozen=True, slots=True, kw_only=True)
class KayleFilter:
    statuses: tuple[SessionStatus, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None

    def matches(self, session: Session) -> bool:
        return isinstance(session, KayleSession) and _refine(self, session)


SourceFilter = KycFilter | KybFilter | KayleFilter


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionFilter:
    """The unified feed's filter; each source gets the part it can evaluate.

    `vendor_data` and `search` exist on Didit only: when either is set, Kayle contributes
    no rows rather than ignoring them.
    """

    sources: tuple[SessionSource, ...] = ()
    statuses: tuple[SessionStatus, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    vendor_data: str | None = None
    search: str | None = None

    def includes(self, source: SessionSource) -> bool:
        return not self.sources or source in self.sources

    def kyc(self) -> KycFilter | None:
        if not self.includes(SessionSource.DIDIT_KYC):
            return None
        return KycFilter(
            statuses=self.statuses,
            created_from=self.created_from,
            created_to=self.created_to,
            vendor_data=self.vendor_data,
            search=self.search,
        )

    def kyb(self) -> KybFilter | None:
        if not self.includes(SessionSource.DIDIT_KYB):
            return None
        return KybFilter(
            statuses=self.statuses,
            created_from=self.created_from,
            created_to=self.created_to,
            vendor_data=self.vendor_data,
            search=self.search,
        )

    def kayle(self) -> KayleFilter | None:
        if not self.includes(SessionSource.KAYLE):
            return None
        if self.vendor_data is not None or self.search is not None:
            return None
        return KayleFilter(
            statuses=self.statuses, created_from=self.created_from, created_to=self.created_to
        )

    def parts(self) -> dict[SessionSource, SourceFilter]:
        """The filter each source reads with; a source that contributes nothing is absent."""
        parts: dict[SessionSource, SourceFilter | None] = {
            SessionSource.DIDIT_KYC: self.kyc(),
            SessionSource.DIDIT_KYB: self.kyb(),
            SessionSource.KAYLE: self.kayle(),
        }
        return {source: part for source, part in parts.items() if part is not None}


def source_of(flt: SourceFilter) -> SessionSource:
    """The one source a per-source filter reads."""
    if isinstance(flt, KycFilter):
        return SessionSource.DIDIT_KYC
    if isinstance(flt, KybFilter):
        return SessionSource.DIDIT_KYB
    return SessionSource.KAYLE
