"""The GraphQL schema (Strawberry). Built from domain objects; never imports `providers/`."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from idv_gateway.schema.context import GatewayContext, Info
from idv_gateway.schema.didit_types import KybSession, KycSession
from idv_gateway.schema.kayle_types import KayleSession
from idv_gateway.schema.query import Query

__all__ = ["GatewayContext", "Info", "build_schema", "export_sdl"]


class _Schema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Errors are logged where they are shaped (`schema.errors`), unexpected ones only."""
        del errors, execution_context


def build_schema() -> strawberry.Schema:
    return _Schema(
        query=Query,
        types=[KycSession, KybSession, KayleSession],
        extensions=[ParserCache, ValidationCache],
    )


def export_sdl(*, federation: bool = False) -> str:
    if federation:
        raise NotImplementedError("the federation subgraph SDL is not available yet")
    return build_schema().as_str() + "\n"
