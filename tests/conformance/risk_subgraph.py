"""A second, independent subgraph: it extends idv-gateway's `Session` entities with a field.

It knows nothing of providers; it only receives `Session` references (global ids) from
the router and adds `riskScore`, the way a customer's own risk service would.
"""

from __future__ import annotations

import hashlib

import strawberry
from strawberry.asgi import GraphQL


def risk_score(global_id: str) -> float:
    """A stable score in [0, 1) derived from the id, so tests can predict it."""
    digest = hashlib.sha256(global_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


@strawberry.federation.interface_object(keys=["id"])
class Session:
    id: strawberry.ID

    @strawberry.field(description="Risk score of the session from the risk service, 0 to 1.")
    def risk_score(self) -> float:
        return risk_score(str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Session:
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="Version of the risk model.")
    def risk_model_version(self) -> str:
        return "2026.11"


schema = strawberry.federation.Schema(query=Query, types=[Session], federation_version="2.9")
app = GraphQL(schema, graphql_ide=None)
