"""The edge's own answers (refusals before GraphQL runs): JSON `errors` bodies."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.responses import Response
from starlette.types import Send

__all__ = ["error_response", "send_error"]


async def send_error(
    send: Send,
    *,
    status: int,
    message: str,
    code: str,
    headers: Iterable[tuple[bytes, bytes]] = (),
    **extensions: Any,
) -> None:
    body = _errors(message, code, extensions)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_response(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> Response:
    """The same answer as `send_error`, for a route to return."""
    return Response(
        _errors(message, code, {}),
        status_code=status,
        media_type="application/json",
        headers={
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
            **(headers or {}),
        },
    )


def _errors(message: str, code: str, extensions: dict[str, Any]) -> bytes:
    return json.dumps(
        {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    ).encode()
