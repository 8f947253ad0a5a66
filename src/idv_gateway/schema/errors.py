"""Every error a client sees carries `extensions.code` and `extensions.retryable`.

Expected failures (bad input, a provider failing, a query over a limit) keep their
message and extensions. GraphQL syntax, validation and argument-coercion errors get the
codes Apollo clients know; a document over the parser's limits is `QUERY_TOO_COMPLEX`.
Anything else is a bug: the client gets a generic message and an error id, the log gets
the details. The codes are documented in docs/errors.md.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from graphql import GraphQLError

from idv_gateway.errors import GatewayError

__all__ = ["KNOWN_CODES", "format_error"]

logger = logging.getLogger("idv_gateway.errors")

_COERCION = re.compile(
    r"^(Variable '\$[^']+' (got invalid value|has invalid value|of (required|non-null) type)"
    r"|Expected (a )?value of|Expected variable|Expected type"
    r"|(Field|Argument) '[^']+' of (required|non-null) type"
    r"|(Int|Float|String|Boolean|ID|Enum '[^']+') cannot represent)"
)


# graphql-core's messages for a document over `max_tokens` (schema.limits) or nested past
# its parser's bound, and for introspection nested too deep (MaxIntrospectionDepthRule).
_TOO_COMPLEX = re.compile(
    r"^(Syntax Error: Document (contains more than \d+ tokens|is nested too deeply)"
    r"|Maximum introspection depth exceeded)"
)
# Codes a GraphQLError may already carry (raised with `extensions`), kept as they are.
KNOWN_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "PROVIDER_UNAVAILABLE",
        "PROVIDER_TIMEOUT",
        "PROVIDER_RATE_LIMITED",
        "PROVIDER_AUTH_FAILED",
        "PROVIDER_BAD_RESPONSE",
        "QUERY_TOO_COMPLEX",
        "OVERLOADED",
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "RATE_LIMITED",
        "INTERNAL",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
    }
)


def _code(error: GraphQLError) -> str:
    given = (error.extensions or {}).get("code")
    if isinstance(given, str) and given in KNOWN_CODES:
        return given
    if _COERCION.match(error.message):
        return "BAD_USER_INPUT"
    if _TOO_COMPLEX.match(error.message):
        return "QUERY_TOO_COMPLEX"
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
        formatted["extensions"] = {
            "retryable": False,
            **(error.extensions or {}),
            "code": _code(error),
        }
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
