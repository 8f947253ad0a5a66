"""Root query: the unified feed, one connection per source, and Relay node lookups."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Protocol, TypeVar

import strawberry

from idv_gateway.errors import BadUserInput, GatewayError
from idv_gateway.feed import FeedPage
from idv_gateway.schema.access import require_filter_access
from idv_gateway.schema.connection import Connection, to_graphql
from idv_gateway.schema.context import Info
from idv_gateway.schema.didit_types import KybSession, KycSession
from idv_gateway.schema.failures import graphql_error
from idv_gateway.schema.inputs import (
    KayleSessionFilter,
    KybSessionFilter,
    KycSessionFilter,
    SessionFilterInput,
)
from idv_gateway.schema.kayle_types import KayleSession
from idv_gateway.schema.node import Node, Session, decode_global_id
from idv_gateway.schema.selection import node_fields
from idv_gateway.service import AnyFilter

__all__ = ["DEFAULT_FIRST", "Query"]

T = TypeVar("T")
_FIRST = "How many sessions to return, 1 to 100."
_AFTER = "Return sessions after this cursor (an `endCursor` or edge `cursor` of this field)."
_FILTER = "Only sessions matching every given filter."
DEFAULT_FIRST = 20
_BACKWARD = "Not supported: providers page forward only. Use `first`/`after`."
First = Annotated[int | None, strawberry.argument(description=_FIRST)]
After = Annotated[str | None, strawberry.argument(description=_AFTER)]


class _FilterInput(Protocol):
    def to_filter(self) -> AnyFilter: ...


async def _run(info: Info, call: Callable[[], Awaitable[T]]) -> T:
    """Turn the gateway's expected errors into GraphQL errors with `extensions.code`."""
    try:
        return await call()
    except GatewayError as error:
        raise graphql_error(error, info) from error


def _needs_attempts(info: Info) -> bool:
    """Kayle sends attempts only when asked; a completed session's status needs them."""
    return bool({"attempts", "status"} & node_fields(info))


def _forward_only(last: int | None, before: str | None) -> None:
    if last is not None or before is not None:
        raise BadUserInput(
            "backward paging (`last`/`before`) is not supported: the providers page forward "
            "only; page with `first`/`after`",
            argument="last" if last is not None else "before",
        )


async def _connection(
    info: Info,
    name: str,
    filter_input: _FilterInput,
    first: int | None,
    after: str | None,
    *,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Any]:
    """Every connection field resolves through here: one shape, one place to extend."""

    async def call() -> FeedPage:
        _forward_only(last, before)
        require_filter_access(filter_input, info.context.caller.scopes, name)
        return await info.context.service.page(
            name,
            filter_input.to_filter(),
            first=DEFAULT_FIRST if first is None else first,
            after=after,
            kayle_attempts=_needs_attempts(info),
        )

    page = await _run(info, call)
    for error, sources in page.errors:
        info.context.partial_errors.append(graphql_error(error, info, sources))
    return Connection.from_page(page)


@strawberry.type(description="Identity-verification sessions of Didit and Kayle, in one API.")
class Query:
    @strawberry.field(
        description="Every session of Didit KYC, Didit KYB and Kayle in one newest-first feed. "
        "When a provider fails, the page holds the others' sessions and `errors` says which "
        "provider failed; `endCursor` keeps the failed provider where it was."
    )
    async def sessions(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        filter: Annotated[
            SessionFilterInput | None, strawberry.argument(description=_FILTER)
        ] = None,
        last: Annotated[int | None, strawberry.argument(description=_BACKWARD)] = None,
        before: Annotated[str | None, strawberry.argument(description=_BACKWARD)] = None,
    ) -> Connection[Session]:
        flt = filter or SessionFilterInput()
        return await _connection(info, "sessions", flt, first, after, last=last, before=before)

    @strawberry.field(description="Didit KYC sessions, newest first, with every Didit KYC filter.")
    async def kyc_sessions(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        filter: Annotated[KycSessionFilter | None, strawberry.argument(description=_FILTER)] = None,
    ) -> Connection[KycSession]:
        return await _connection(info, "kycSessions", filter or KycSessionFilter(), first, after)

    @strawberry.field(description="Didit KYB sessions, newest first.")
    async def kyb_sessions(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        filter: Annotated[KybSessionFilter | None, strawberry.argument(description=_FILTER)] = None,
    ) -> Connection[KybSession]:
        return await _connection(info, "kybSessions", filter or KybSessionFilter(), first, after)

    @strawberry.field(
        description="Kayle sessions, newest first (Kayle itself lists by id, not by time)."
    )
    async def kayle_sessions(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        filter: Annotated[
            KayleSessionFilter | None, strawberry.argument(description=_FILTER)
        ] = None,
    ) -> Connection[KayleSession]:
        flt = filter or KayleSessionFilter()
        return await _connection(info, "kayleSessions", flt, first, after)

    @strawberry.field(description="Fetch any session by its global `id`; null if it is gone.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        async def call() -> Node | None:
            session = await info.context.loaders.session.load(decode_global_id(id))
            return None if session is None else to_graphql(session)

        return await _run(info, call)

    @strawberry.field(description="Fetch several sessions by global id, in order; null if gone.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")
        ],
    ) -> list[Node | None]:
        if len(ids) > 100:
            raise graphql_error(BadUserInput("`ids` holds more than 100 ids", argument="ids"), info)
        try:
            keys = [decode_global_id(i) for i in ids]
        except GatewayError as error:
            raise graphql_error(error, info) from error
        found = await asyncio.gather(
            *(info.context.loaders.session.load(key) for key in keys), return_exceptions=True
        )
        nodes: list[Node | None] = []
        for index, item in enumerate(found):
            if isinstance(item, GatewayError):  # one provider down: that id is null
                partial = graphql_error(item, info)
                partial.path = [*info.path.as_list(), index]
                info.context.partial_errors.append(partial)
                nodes.append(None)
            elif isinstance(item, BaseException):
                raise item
            else:
                nodes.append(None if item is None else to_graphql(item))
        return nodes
