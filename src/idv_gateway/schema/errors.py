"""Every error a client sees carries `extensions.code`; unexpected ones are masked.

Expected failures (bad input, a provider failing) keep their message and extensions.
GraphQL syntax, validation and argument-coercion errors get the codes Apollo clients
know. Anything else is a bug: the client gets a generic message and an error id, the
log gets the details.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from graphql import GraphQLError

from idv_gateway.errors import GatewayError

__all__ = ["format_error"]

logger = logging.getLogger("idv_gateway.errors")

_COERCION = re.compile(
    r"^(Variable '\$[^']+' (got invalid value|has invalid value|of (required|non-null) type)"
    r"|Expected (a )?value of|Expected variable|Expected type"
    r"|(Field|Argument) '[^']+' of (required|non-null) type"
    r"|(Int|Float|String|Boolean|ID|Enum '[^']+') cannot represent)"
)


def _code(error: GraphQLError) -> str:
    if _COERCION.match(error.message):
        return "BAD_USER_INPUT"
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    return "GRAPHQL_VALIDATION_FAILED"


def format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, GatewayError):
        formatted: dict[str, Any] = dict(error.formatted)
        formatted["extensions"] = {**original.extensions(), **(error.extensions or {})}
        return formatted
    if original is None or isinstance(original, GraphQLError) or _COERCION.match(error.message):
        formatted = dict(error.formatted)
        formatted["extensions"] = {**(error.extensions or {}), "code": _code(error)}
        return formatted
    error_id = uuid.uuid4().hex[:16]
    logger.error(
        "unexpected error %s at %s",
        error_id,
        error.path,
        exc_info=(type(original), original, original.__traceback__),
    )
    masked = GraphQLError(
        f"Internal error (id {error_id}); it has been logged.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL", "errorId": error_id, "retryable": False},
    )
    return dict(masked.formatted)
