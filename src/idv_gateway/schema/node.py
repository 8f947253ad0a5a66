"""Relay global ids and the `Node` and `Session` interfaces."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

import strawberry
from graphql import GraphQLError

from idv_gateway.domain import SessionSource as DomainSource
from idv_gateway.errors import BadUserInput, GatewayError
from idv_gateway.schema.context import Info
from idv_gateway.schema.enums import Provider, SessionSource, SessionStatus
from idv_gateway.schema.inputs import shown

__all__ = ["TYPE_NAMES", "Node", "Session", "decode_global_id", "encode_global_id"]

# GraphQL type name of each source's sessions; the type name is the global id's prefix.
TYPE_NAMES: dict[DomainSource, str] = {
    DomainSource.DIDIT_KYC: "KycSession",
    DomainSource.DIDIT_KYB: "KybSession",
    DomainSource.KAYLE: "KayleSession",
}
_SOURCES = {name: source for source, name in TYPE_NAMES.items()}


def encode_global_id(source: DomainSource, provider_session_id: str) -> str:
    raw = f"{TYPE_NAMES[source]}:{provider_session_id}".encode()
    return base64.b64encode(raw).decode()


def decode_global_id(global_id: str) -> tuple[DomainSource, str]:
    """`base64("KycSession:<id>")` → (source, provider id); anything else is bad input."""
    try:
        type_name, _, provider_id = (
            base64.b64decode(global_id, validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(
            f"{shown(global_id)} is not a global id of this API", argument="id"
        ) from None
    if type_name not in _SOURCES or not provider_id:
        raise BadUserInput(f"{shown(global_id)} is not a global id of this API", argument="id")
    return _SOURCES[type_name], provider_id


@strawberry.interface(description="An object with a globally unique id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id; `node(id:)` fetches the object again."
    )


@strawberry.federation.interface(
    keys=["id"],
    description=(
        "A verification session from any provider. Concrete types expose every field of "
        "their provider's list rows. A federation entity keyed by `id`."
    ),
)
class Session(Node):
    provider: Provider = strawberry.field(description="The provider that holds the session.")
    source: SessionSource = strawberry.field(description="The upstream list the session is from.")
    provider_session_id: str = strawberry.field(
        description="The session's id at its provider (Didit `session_id`, Kayle `id`)."
    )
    status: SessionStatus = strawberry.field(description="Unified status of the session.")
    provider_status: str = strawberry.field(
        description="The status exactly as the provider reported it."
    )
    created_at: datetime = strawberry.field(
        description="When the session was created (UTC). The feed is ordered by it, newest first."
    )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Session | None:
        """Federation `_entities`: load by global id through the request's DataLoader."""
        from idv_gateway.schema.connection import to_graphql  # the concrete types import us

        try:
            key = decode_global_id(id)
        except GatewayError as error:
            raise GraphQLError(
                error.message,
                path=info.path.as_list(),
                original_error=error,
                extensions=error.extensions(),
            ) from error
        session = await info.context.loaders.session.load(key)
        return None if session is None else to_graphql(session)
