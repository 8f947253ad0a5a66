"""The port between the gateway and its providers: what an adapter must offer.

Adapters speak the gateway's vocabulary (domain objects and `filters`); upstream
parameters, JSON and paging tokens stay inside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from idv_gateway.domain import KayleSession, KybSession, KycSession, Provider
from idv_gateway.domain.decision import Decision
from idv_gateway.domain.filters import KayleFilter, KybFilter, KycFilter

__all__ = ["CursorPage", "DiditPort", "KaylePort", "OffsetPage"]

# Covariant: a page of KYC sessions is a page of sessions.
T = TypeVar("T", covariant=True)


@dataclass(frozen=True, slots=True)
class OffsetPage(Generic[T]):
    """One limit/offset page, in upstream order (newest first)."""

    rows: tuple[T, ...]
    # Number of upstream matches when the provider reports it exactly, else None.
    total: int | None
    has_more: bool


@dataclass(frozen=True, slots=True)
class CursorPage(Generic[T]):
    """One keyset page, in upstream order (by id, not by time)."""

    rows: tuple[T, ...]
    next_cursor: str | None


class DiditPort(Protocol):
    provider: Provider

    # `fresh`: bypass the shared cache. A reader that found cached pages of different
    # moments disagreeing about offsets needs one consistent view of the list.
    async def list_kyc(
        self, flt: KycFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KycSession]: ...

    async def list_kyb(
        self, flt: KybFilter, *, offset: int, limit: int, fresh: bool = False
    ) -> OffsetPage[KybSession]: ...

    async def get_kyc(self, session_id: str) -> KycSession | None: ...

    async def get_decision(self, session_id: str) -> Decision | None: ...

    async def get_kyb(self, session_id: str) -> KybSession | None: ...

    def forget(self, session_id: str) -> int:
        """Evicts what the cache holds of the session and of the lists (it changed)."""


class KaylePort(Protocol):
    provider: Provider

    async def list_sessions(
        self,
        flt: KayleFilter,
        *,
        created_from: datetime | None,
        created_to: datetime | None,
        starting_after: str | None,
        limit: int,
        include_attempts: bool = True,
    ) -> CursorPage[KayleSession]: ...

    async def get_session(self, session_id: str) -> KayleSession | None: ...

    def forget(self, session_id: str) -> int:
        """Evicts what the cache holds of the session and of the lists (it changed)."""
