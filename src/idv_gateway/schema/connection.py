"""Relay connections over a `FeedPage`. Cursors are encoded only when a client selects them."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from idv_gateway import domain
from idv_gateway.feed import FeedPage
from idv_gateway.schema.didit_types import KybSession, KycSession
from idv_gateway.schema.kayle_types import KayleSession

__all__ = ["Connection", "Edge", "PageInfo", "to_graphql"]

T = TypeVar("T")


def to_graphql(session: domain.Session) -> KycSession | KybSession | KayleSession:
    if isinstance(session, domain.KycSession):
        return KycSession.from_domain(session)
    if isinstance(session, domain.KybSession):
        return KybSession.from_domain(session)
    return KayleSession.from_domain(session)


@strawberry.type(description="Where a page sits in the connection (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More sessions follow; pass `endCursor` as `after` to read them."
    )
    has_previous_page: bool = strawberry.field(
        description="Sessions precede this page (true whenever `after` was given)."
    )
    _page: strawberry.Private[FeedPage]

    @strawberry.field(description="Cursor of the first edge, or null when the page is empty.")
    def start_cursor(self) -> str | None:
        return self._page.cursor_at(0) if self._page.entries else None

    @strawberry.field(
        description="Cursor to continue after this page; pass it as `after`. Set on every "
        "page, empty ones included (Relay allows null; this gateway never returns it). When "
        "a provider failed, it resumes that provider where it was."
    )
    def end_cursor(self) -> str | None:
        return self._page.end_cursor()


@strawberry.type(description="A session and the cursor that resumes right after it.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The session.")
    _page: strawberry.Private[FeedPage]
    _index: strawberry.Private[int]

    @strawberry.field(description="Opaque cursor; pass it as `after` to continue after this edge.")
    def cursor(self) -> str:
        return self._page.cursor_at(self._index)

    @strawberry.field(
        description="True for a session that sorts before the previous page's end: its "
        "provider failed while that page was read, so it arrives now. Such edges come first "
        "on a page and are the one exception to the newest-first order; reading the earlier "
        "`after` again instead returns that page complete and in order."
    )
    def arrived_late(self) -> bool:
        return self._page.catching_up(self._index)


@strawberry.type(description="A page of sessions, newest first (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The sessions of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    total_count: int | None = strawberry.field(
        description="Exact number of sessions matching the filter, or null when a contributing "
        "provider cannot count them exactly (Kayle never reports a count; Didit KYB counts "
        "stop at 100; Didit counts whole days when `createdFrom`/`createdTo` are not "
        "day-aligned)."
    )

    @classmethod
    def from_page(cls, page: FeedPage) -> Connection[T]:
        edges: list[Edge[T]] = [
            Edge(node=to_graphql(session), _page=page, _index=index)  # type: ignore[arg-type]
            for index, session in enumerate(page.sessions)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, has_previous_page=page.has_previous, _page=page
            ),
            total_count=page.total,
        )
